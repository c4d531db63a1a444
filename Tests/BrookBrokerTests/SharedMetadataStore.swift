import BrookCluster
import Foundation

/// A metadata store in memory that several registries share, as brokers share etcd: one revision
/// counter for every key, compare-and-swap on each write, every change fanned out to each
/// `changes()` stream in the order it was stored.
final class SharedMetadataStore: MetadataStore, @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var revision: Int64 = 0
    private var topics: [String: TopicMetadataRecord] = [:]
    private var brokerConfigs = Versioned<[String: String]>([:], version: .absent)
    private var storedClusterId: String?
    private var nextProducerId: Int64 = 0
    private var subscribers: [AsyncStream<MetadataChange>.Continuation] = []

    func loadTopics() async throws -> [TopicMetadataRecord] {
        lock.withLock { topics.values.sorted { $0.name < $1.name } }
    }

    func createTopic(_ record: TopicMetadataRecord) async throws -> TopicMetadataRecord {
        try lock.withLock {
            if topics[record.name] != nil { throw MetadataStoreError.topicExists(record.name) }
            var stored = record
            stored.version = nextVersion()
            topics[record.name] = stored
            publish(.topicCreated(stored))
            return stored
        }
    }

    func deleteTopic(named name: String, expectedVersion: MetadataVersion) async throws {
        try lock.withLock {
            _ = try current(name, expectedVersion)
            topics[name] = nil
            publish(.topicDeleted(name: name, version: nextVersion()))
        }
    }

    func replaceTopicConfigs(named name: String, with configs: [String: String],
                             expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        try update(name, expectedVersion) { $0.configs = configs }
    }

    func addPartitions(named name: String, assignments: [[Int32]],
                       expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        try update(name, expectedVersion) { $0.replicaAssignment += assignments }
    }

    func dynamicBrokerConfigs() async throws -> Versioned<[String: String]> {
        lock.withLock { brokerConfigs }
    }

    func replaceDynamicBrokerConfigs(_ values: [String: String],
                                     expectedVersion: MetadataVersion) async throws -> MetadataVersion {
        try lock.withLock {
            guard brokerConfigs.version == expectedVersion else {
                throw MetadataStoreError.versionConflict(key: "configs/broker", expected: expectedVersion,
                                                         actual: brokerConfigs.version)
            }
            brokerConfigs = Versioned(values, version: nextVersion())
            publish(.dynamicBrokerConfigsChanged(brokerConfigs))
            return brokerConfigs.version
        }
    }

    func clusterId(proposing candidate: String) async throws -> String {
        lock.withLock {
            if let storedClusterId { return storedClusterId }
            storedClusterId = candidate
            return candidate
        }
    }

    func allocateProducerIdBlock(size: Int64) async throws -> ProducerIdBlock {
        lock.withLock {
            defer { nextProducerId += size }
            return ProducerIdBlock(firstId: nextProducerId, count: size)
        }
    }

    func changes() -> AsyncStream<MetadataChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: MetadataChange.self, bufferingPolicy: .unbounded)
        lock.withLock { subscribers.append(continuation) }
        return stream
    }

    /// Ends every stream.
    func finish() {
        for continuation in lock.withLock({ subscribers }) { continuation.finish() }
    }

    private func update(_ name: String, _ expected: MetadataVersion,
                        _ change: (inout TopicMetadataRecord) -> Void) throws -> TopicMetadataRecord {
        try lock.withLock {
            var record = try current(name, expected)
            change(&record)
            record.version = nextVersion()
            topics[name] = record
            publish(.topicUpdated(record))
            return record
        }
    }

    /// Call with `lock` held.
    private func current(_ name: String, _ expected: MetadataVersion) throws -> TopicMetadataRecord {
        guard let record = topics[name] else { throw MetadataStoreError.topicNotFound(name) }
        guard record.version == expected else {
            throw MetadataStoreError.versionConflict(key: name, expected: expected, actual: record.version)
        }
        return record
    }

    /// Call with `lock` held.
    private func nextVersion() -> MetadataVersion {
        revision += 1
        return MetadataVersion(revision: revision)
    }

    /// Call with `lock` held, right after the write: subscribers see changes in store order.
    private func publish(_ change: MetadataChange) {
        for continuation in subscribers { continuation.yield(change) }
    }
}
