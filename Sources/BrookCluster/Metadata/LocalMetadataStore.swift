import BrookProtocol
import BrookStorage
import Foundation

/// A single node's metadata in its data directory, in the formats earlier versions wrote:
/// `__brook_topics/<topic>.properties` (`topic.id`, `partitions`, `config.`-prefixed overrides),
/// `brook-dynamic-broker.properties`, `meta.properties` (`cluster.id`, `node.id`) and
/// `producer-id-block`. Replica assignments are not stored: every partition is `[nodeId]`.
///
/// Versions are a counter of this store's writes (each record read at start-up gets one too), so
/// compare-and-swap works as in etcd within the process. Topic files written by versions that
/// recorded no id or partition count are completed on load (the count from the partition folders).
///
/// Its operations complete without suspending: called on the concrete type (a single node's start-up)
/// they are synchronous.
public final class LocalMetadataStore: MetadataStore, @unchecked Sendable {
    /// Only its metadata files are touched, and only under `lock`.
    private let directory: DataDirectory
    private let nodeId: Int32
    private let lock = NSLock()
    private let feed = ChangeFeed<MetadataChange>()
    // Guarded by `lock`; read from disk on first use.
    private var revision: Int64 = 0
    private var topics: [String: TopicMetadataRecord]?
    private var dynamicConfigs: Versioned<[String: String]>?
    private var producerIdEnd: Int64?

    /// `directory` is the broker's open (locked) data directory.
    public init(directory: DataDirectory, nodeId: Int32) {
        self.directory = directory
        self.nodeId = nodeId
    }

    deinit { feed.finish() }

    public var metaPropertiesPath: String { (directory.path as NSString).appendingPathComponent("meta.properties") }

    public func changes() -> AsyncStream<MetadataChange> { feed.subscribe() }

    // MARK: Topics

    public func loadTopics() throws -> [TopicMetadataRecord] {
        try lock.withLock { try loadedTopics().values.sorted { $0.name < $1.name } }
    }

    public func createTopic(_ record: TopicMetadataRecord) throws -> TopicMetadataRecord {
        try lock.withLock {
            var all = try loadedTopics()
            if all[record.name] != nil { throw MetadataStoreError.topicExists(record.name) }
            var stored = record
            stored.version = nextVersion()
            do {
                try write(stored)
            } catch {
                // The file may have been written before the failure (a failed directory sync): no
                // half-created topic may survive a restart.
                try? directory.deleteTopicMetadata(record.name)
                throw Self.storageError(error)
            }
            all[record.name] = stored
            topics = all
            feed.publish(.topicCreated(stored))
            return stored
        }
    }

    public func deleteTopic(named name: String, expectedVersion: MetadataVersion) throws {
        try lock.withLock {
            var all = try loadedTopics()
            _ = try current(name, in: all, expected: expectedVersion)
            do { try directory.deleteTopicMetadata(name) } catch { throw Self.storageError(error) }
            all[name] = nil
            topics = all
            feed.publish(.topicDeleted(name: name, version: nextVersion()))
        }
    }

    public func replaceTopicConfigs(named name: String, with configs: [String: String],
                                    expectedVersion: MetadataVersion) throws -> TopicMetadataRecord {
        try update(name, expectedVersion: expectedVersion) { $0.configs = configs }
    }

    public func addPartitions(named name: String, assignments: [[Int32]],
                              expectedVersion: MetadataVersion) throws -> TopicMetadataRecord {
        guard !assignments.isEmpty else { throw MetadataStoreError.invalid("no partitions to add to \(name)") }
        return try update(name, expectedVersion: expectedVersion) { $0.replicaAssignment += assignments }
    }

    /// Writes the changed record; on failure restores the previous file, so the stored record is
    /// either the old or the new one.
    private func update(_ name: String, expectedVersion: MetadataVersion,
                        _ change: (inout TopicMetadataRecord) -> Void) throws -> TopicMetadataRecord {
        try lock.withLock {
            var all = try loadedTopics()
            let old = try current(name, in: all, expected: expectedVersion)
            var new = old
            change(&new)
            new.version = nextVersion()
            do {
                try write(new)
            } catch {
                try? write(old)
                throw Self.storageError(error)
            }
            all[name] = new
            topics = all
            feed.publish(.topicUpdated(new))
            return new
        }
    }

    private func current(_ name: String, in all: [String: TopicMetadataRecord],
                         expected: MetadataVersion) throws -> TopicMetadataRecord {
        guard let record = all[name] else { throw MetadataStoreError.topicNotFound(name) }
        guard record.version == expected else {
            throw MetadataStoreError.versionConflict(key: name, expected: expected, actual: record.version)
        }
        return record
    }

    private func write(_ record: TopicMetadataRecord) throws {
        try directory.saveTopicMetadata(record.name, Self.properties(of: record))
    }

    /// The file's keys: exactly what earlier versions wrote.
    static func properties(of record: TopicMetadataRecord) -> [String: String] {
        var meta = ["topic.id": record.topicId.description, "partitions": String(record.partitionCount)]
        for (key, value) in record.configs { meta["config.\(key)"] = value }
        return meta
    }

    /// Call with `lock` held.
    private func loadedTopics() throws -> [String: TopicMetadataRecord] {
        if let topics { return topics }
        let files: [String: [String: String]]
        do { files = try directory.loadTopicMetadata() } catch { throw Self.storageError(error) }
        var folderCounts: [String: Int32] = [:]
        if files.values.contains(where: { $0["partitions"].flatMap { Int32($0) } == nil }) {
            for tp in directory.existingPartitions() {
                folderCounts[tp.topic] = max(folderCounts[tp.topic] ?? 0, tp.partition + 1)
            }
        }
        var loaded: [String: TopicMetadataRecord] = [:]
        for name in files.keys.sorted() {
            let meta = files[name] ?? [:]
            // Written by versions that recorded no count (or an unreadable one): the topic owns every
            // folder it has.
            let recorded = meta["partitions"].flatMap { Int32($0) }
            let count = recorded ?? folderCounts[name] ?? 0
            guard count > 0 else { continue }
            var configs: [String: String] = [:]
            for (key, value) in meta where key.hasPrefix("config.") { configs[String(key.dropFirst(7))] = value }
            let id = meta["topic.id"].flatMap(KafkaUUID.init(base64:))
            var record = TopicMetadataRecord(name: name, topicId: id ?? KafkaUUID.random(),
                                             replicaAssignment: Array(repeating: [nodeId], count: Int(count)),
                                             configs: configs, version: nextVersion())
            if id == nil || recorded == nil {
                do { try write(record) } catch { throw Self.storageError(error) }
                record.version = nextVersion()
            }
            loaded[name] = record
        }
        topics = loaded
        return loaded
    }

    // MARK: Runtime broker configs

    public func dynamicBrokerConfigs() throws -> Versioned<[String: String]> {
        try lock.withLock { try loadedDynamicConfigs() }
    }

    public func replaceDynamicBrokerConfigs(_ values: [String: String],
                                            expectedVersion: MetadataVersion) throws -> MetadataVersion {
        try lock.withLock {
            let current = try loadedDynamicConfigs()
            guard current.version == expectedVersion else {
                throw MetadataStoreError.versionConflict(key: "dynamic broker configs", expected: expectedVersion,
                                                         actual: current.version)
            }
            do { try directory.saveDynamicBrokerConfigs(values) } catch { throw Self.storageError(error) }
            let stored = Versioned(values, version: nextVersion())
            dynamicConfigs = stored
            feed.publish(.dynamicBrokerConfigsChanged(stored))
            return stored.version
        }
    }

    /// Call with `lock` held.
    private func loadedDynamicConfigs() throws -> Versioned<[String: String]> {
        if let dynamicConfigs { return dynamicConfigs }
        let values: [String: String]
        do { values = try directory.loadDynamicBrokerConfigs() } catch { throw Self.storageError(error) }
        // Never set: absent, as a missing etcd key.
        let loaded = Versioned(values, version: values.isEmpty ? .absent : nextVersion())
        dynamicConfigs = loaded
        return loaded
    }

    // MARK: Cluster id and producer ids

    public func clusterId(proposing candidate: String) throws -> String {
        try lock.withLock {
            let path = metaPropertiesPath
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let props = Self.parseMetaProperties(text)
                if let id = props["cluster.id"], !id.isEmpty {
                    if let stored = props["node.id"].flatMap(Int32.init), stored != nodeId {
                        throw MetadataStoreError.identityMismatch("node.id \(nodeId) does not match node.id \(stored) stored in \(path)")
                    }
                    return id
                }
            }
            let text = "#\n#Written by brook\nversion=1\ncluster.id=\(candidate)\nnode.id=\(nodeId)\n"
            let tmp = path + ".tmp"
            do { try text.write(toFile: tmp, atomically: false, encoding: .utf8) } catch { throw Self.storageError(error) }
            guard rename(tmp, path) == 0 else { throw MetadataStoreError.storage("cannot write \(path): errno \(errno)") }
            return candidate
        }
    }

    /// `key=value` lines as Kafka writes `meta.properties` (comments `#`/`!`, `=` or `:` separators).
    static func parseMetaProperties(_ text: String) -> [String: String] {
        var props: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                props[line] = ""
                continue
            }
            props[line[..<sep].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
        }
        return props
    }

    public func allocateProducerIdBlock(size: Int64) throws -> ProducerIdBlock {
        precondition(size > 0)
        return try lock.withLock {
            let file = ProducerIdBlockFile(dataDir: directory.path)
            let first: Int64
            if let producerIdEnd {
                first = producerIdEnd
            } else {
                do { first = try file.read() } catch { throw Self.storageError(error) }
            }
            guard first <= Int64.max - size else { throw MetadataStoreError.producerIdsExhausted }
            // Persisted before any id of the block is used: a restart resumes after it.
            do { try file.write(first + size) } catch { throw Self.storageError(error) }
            producerIdEnd = first + size
            return ProducerIdBlock(firstId: first, count: size)
        }
    }

    // MARK: Helpers

    /// Call with `lock` held.
    private func nextVersion() -> MetadataVersion {
        revision += 1
        return MetadataVersion(revision: revision)
    }

    private static func storageError(_ error: Error) -> MetadataStoreError {
        error as? MetadataStoreError ?? .storage("\(error)")
    }
}
