import BrookEtcd
import Foundation
import Logging

/// The cluster's metadata in etcd, in cluster-design.md's key layout under `layout.root`. Every write
/// is one etcd transaction whose compare is the caller's `MetadataVersion` (the key's `mod_revision`),
/// so two brokers writing at once never overwrite each other; a topic and its partition-state keys
/// are created and deleted together. `changes()` follows one watch on the root, so writes by any
/// broker are seen. Create with `start`; `shutdown()` ends the watch (the client stays the caller's).
///
/// The elected controller calls `fence(controllerEpoch:)`: from then on its topic and broker-config
/// writes also compare `controller_epoch`, so they fail once another controller took over.
public final class EtcdMetadataStore: MetadataStore, @unchecked Sendable {
    /// How the watch recovers when etcd goes away.
    public struct Configuration: Sendable {
        /// The first wait before the watch is set up again after a failure; doubled per failure.
        public var minReconnectDelay: Duration
        public var maxReconnectDelay: Duration

        public init(minReconnectDelay: Duration = .milliseconds(100), maxReconnectDelay: Duration = .seconds(2)) {
            self.minReconnectDelay = minReconnectDelay
            self.maxReconnectDelay = maxReconnectDelay
        }
    }

    public let layout: EtcdKeyLayout
    let client: EtcdClient
    private let feed = ChangeFeed<MetadataChange>()
    private let clusterFeed = ChangeFeed<EtcdClusterStateChange>()
    let watcher: EtcdMetadataWatcher
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var controllerEpoch: Int64?

    private init(client: EtcdClient, layout: EtcdKeyLayout, configuration: Configuration, logger: Logger) {
        self.client = client
        self.layout = layout
        watcher = EtcdMetadataWatcher(client: client, layout: layout, feed: feed, clusterFeed: clusterFeed,
                                      configuration: configuration, logger: logger)
    }

    /// A store whose change watch is running: every write completing after this returns is reported
    /// to `changes()` streams open at the time.
    public static func start(client: EtcdClient, layout: EtcdKeyLayout = EtcdKeyLayout(),
                             configuration: Configuration = Configuration(), logger: Logger) async throws -> EtcdMetadataStore {
        let store = EtcdMetadataStore(client: client, layout: layout, configuration: configuration, logger: logger)
        try await store.watcher.start()
        return store
    }

    deinit { shutdown() }

    /// Ends the watch and every `changes()` stream.
    public func shutdown() {
        watcher.stop()
        feed.finish()
        clusterFeed.finish()
    }

    public func changes() -> AsyncStream<MetadataChange> { feed.subscribe() }

    /// Changes to broker registrations, the controller and partition states (`EtcdClusterState`'s
    /// keys) from now on, by any broker, in etcd's order; the same watch and recovery as `changes()`.
    public func clusterStateChanges() -> AsyncStream<EtcdClusterStateChange> { clusterFeed.subscribe() }

    /// Guards every later topic and broker-config write with `controller_epoch == controllerEpoch`
    /// (nil: no guard). Such a write then throws `EtcdClusterStateError.fenced` once a newer
    /// controller was elected (the one error of this store that is not a `MetadataStoreError`: a
    /// fenced controller must stop, not retry). Cluster id and producer-id writes are any broker's and
    /// stay unguarded.
    public func fence(controllerEpoch: Int64?) {
        lock.withLock { self.controllerEpoch = controllerEpoch }
    }

    /// Runs a write transaction, adding the controller-epoch compare when fenced; a refusal caused
    /// by the epoch is thrown here, any other is left to the caller (its reads come first in `failure`).
    private func write(_ what: String, compare: [EtcdCompare], success: [EtcdOperation],
                       failure: [EtcdOperation] = []) async throws -> EtcdTxnResult {
        let epoch = lock.withLock { controllerEpoch }
        var compares = compare
        var reads = failure
        if let epoch {
            compares.append(.value(layout.controllerEpoch, .equal, String(epoch)))
            reads.append(.get(layout.controllerEpoch))
        }
        let result = try await etcdCall(what) { try await client.txn(compare: compares, success: success, failure: reads) }
        if !result.succeeded, let epoch {
            let current = try Self.readBack(result, index: failure.count).map(EtcdMetadataCodec.decimal(from:)) ?? 0
            if current != epoch { throw EtcdClusterStateError.fenced(epoch: epoch, current: current) }
        }
        return result
    }

    // MARK: Topics

    public func loadTopics() async throws -> [TopicMetadataRecord] {
        let read = try await etcdCall("read of topics") { try await client.getPrefix(layout.topicsPrefix) }
        var records: [TopicMetadataRecord] = []
        for kv in read.kvs {
            guard case .topic(let name)? = layout.entry(for: kv.keyString) else { continue }
            records.append(try EtcdMetadataCodec.topic(named: name, from: kv))
        }
        return records.sorted { $0.name < $1.name }
    }

    /// One transaction: the topic key if it is absent, plus each partition's initial state.
    public func createTopic(_ record: TopicMetadataRecord) async throws -> TopicMetadataRecord {
        try Self.validate(name: record.name)
        guard !record.replicaAssignment.isEmpty else { throw MetadataStoreError.invalid("topic \(record.name) has no partitions") }
        let key = layout.topic(record.name)
        var writes: [EtcdOperation] = [.put(key, try EtcdMetadataCodec.topicValue(record))]
        writes += try partitionWrites(record.name, firstIndex: 0, assignments: record.replicaAssignment)
        let result = try await write("create of topic \(record.name)", compare: [.createRevision(key, .equal, 0)], success: writes)
        guard result.succeeded else { throw MetadataStoreError.topicExists(record.name) }
        var stored = record
        stored.version = MetadataVersion(revision: result.header.revision)
        return stored
    }

    /// One transaction: the topic key at `expectedVersion` and every partition-state key of the topic.
    public func deleteTopic(named name: String, expectedVersion: MetadataVersion) async throws {
        let key = layout.topic(name)
        let result = try await write(
            "delete of topic \(name)",
            compare: [.modRevision(key, .equal, expectedVersion.revision), .version(key, .greater, 0)],
            success: [.delete(key), .deletePrefix(layout.partitions(of: name))],
            failure: [.get(key)])
        guard result.succeeded else { throw Self.refusal(name, expected: expectedVersion, failed: result) }
    }

    public func replaceTopicConfigs(named name: String, with configs: [String: String],
                                    expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        try await update(name, expectedVersion: expectedVersion) { record in
            record.configs = configs
            return []
        }
    }

    /// One transaction: the grown topic record and the new partitions' initial states.
    public func addPartitions(named name: String, assignments: [[Int32]],
                              expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        guard !assignments.isEmpty else { throw MetadataStoreError.invalid("no partitions to add to \(name)") }
        return try await update(name, expectedVersion: expectedVersion) { record in
            let first = record.partitionCount
            record.replicaAssignment += assignments
            return try partitionWrites(name, firstIndex: first, assignments: assignments)
        }
    }

    /// Reads the topic, applies `change` (which returns extra writes for the same transaction) and
    /// writes it back if its key is still at `expectedVersion`.
    private func update(_ name: String, expectedVersion: MetadataVersion,
                        _ change: (inout TopicMetadataRecord) throws -> [EtcdOperation]) async throws -> TopicMetadataRecord {
        let key = layout.topic(name)
        let read = try await etcdCall("read of topic \(name)") { try await client.get(key) }
        guard let kv = read.first else { throw MetadataStoreError.topicNotFound(name) }
        let current = MetadataVersion(revision: kv.modRevision)
        guard current == expectedVersion else {
            throw MetadataStoreError.versionConflict(key: name, expected: expectedVersion, actual: current)
        }
        var record = try EtcdMetadataCodec.topic(named: name, from: kv)
        let extra = try change(&record)
        let writes = [EtcdOperation.put(key, try EtcdMetadataCodec.topicValue(record))] + extra
        let result = try await write("update of topic \(name)", compare: [.modRevision(key, .equal, expectedVersion.revision)],
                                     success: writes, failure: [.get(key)])
        guard result.succeeded else { throw Self.refusal(name, expected: expectedVersion, failed: result) }
        record.version = MetadataVersion(revision: result.header.revision)
        return record
    }

    private func partitionWrites(_ topic: String, firstIndex: Int32, assignments: [[Int32]]) throws -> [EtcdOperation] {
        try assignments.enumerated().map { offset, replicas in
            .put(layout.partition(topic, firstIndex + Int32(offset)),
                 try EtcdMetadataCodec.encode(PartitionLeadershipState.initial(replicas: replicas)))
        }
    }

    /// Why a topic transaction's compare failed, from its failure branch's read of the topic key.
    private static func refusal(_ name: String, expected: MetadataVersion, failed result: EtcdTxnResult) -> MetadataStoreError {
        guard let kv = readBack(result) else { return .topicNotFound(name) }
        return .versionConflict(key: name, expected: expected, actual: MetadataVersion(revision: kv.modRevision))
    }

    static func readBack(_ result: EtcdTxnResult, index: Int = 0) -> EtcdKeyValue? {
        let reads = result.results.compactMap { result -> EtcdRangeResult? in
            if case .get(let range) = result { return range }
            return nil
        }
        return index < reads.count ? reads[index].first : nil
    }

    /// Kafka's legal topic names never contain `/`; the key layout relies on that.
    private static func validate(name: String) throws {
        guard !name.isEmpty, !name.contains("/") else {
            throw MetadataStoreError.invalid("topic name \"\(name)\" cannot be stored in etcd (empty or contains '/')")
        }
    }

    // MARK: Runtime broker configs

    public func dynamicBrokerConfigs() async throws -> Versioned<[String: String]> {
        let read = try await etcdCall("read of broker configs") { try await client.get(layout.brokerConfigs) }
        guard let kv = read.first else { return Versioned([:], version: .absent) }
        return try EtcdMetadataCodec.brokerConfigs(from: kv)
    }

    public func replaceDynamicBrokerConfigs(_ values: [String: String],
                                            expectedVersion: MetadataVersion) async throws -> MetadataVersion {
        let key = layout.brokerConfigs
        let value = try EtcdMetadataCodec.encode(values)
        let result = try await write("write of broker configs", compare: [.modRevision(key, .equal, expectedVersion.revision)],
                                     success: [.put(key, value)], failure: [.get(key)])
        guard result.succeeded else {
            let actual = Self.readBack(result).map { MetadataVersion(revision: $0.modRevision) } ?? .absent
            throw MetadataStoreError.versionConflict(key: "dynamic broker configs", expected: expectedVersion, actual: actual)
        }
        return MetadataVersion(revision: result.header.revision)
    }

    // MARK: Cluster id and producer ids

    public func clusterId(proposing candidate: String) async throws -> String {
        let existing = try await etcdCall("create of the cluster id") {
            try await client.putIfAbsent(layout.clusterId, Array(candidate.utf8))
        }
        return existing?.valueString ?? candidate
    }

    /// A compare-and-swap loop on `producer_ids/next_block`: a block is handed out only by the write
    /// that moved the counter past it, so racing brokers never get the same ids.
    public func allocateProducerIdBlock(size: Int64) async throws -> ProducerIdBlock {
        precondition(size > 0)
        let key = layout.producerIdNextBlock
        var current = try await etcdCall("read of the producer id counter") { try await client.get(key) }.first
        for _ in 0..<1000 {
            let first = try current.map(EtcdMetadataCodec.decimal(from:)) ?? 0
            guard first >= 0 else { throw MetadataStoreError.storage("etcd key \(key) holds a negative producer id: \(first)") }
            guard first <= Int64.max - size else { throw MetadataStoreError.producerIdsExhausted }
            let result = try await etcdCall("producer id block allocation") {
                try await client.compareAndSwap(key, expectedModRevision: current?.modRevision ?? 0,
                                                value: Array(String(first + size).utf8))
            }
            if result.succeeded { return ProducerIdBlock(firstId: first, count: size) }
            current = Self.readBack(result)
        }
        throw MetadataStoreError.storage("producer id allocation lost 1000 compare-and-swap races in a row on \(key)")
    }
}
