import BrookClient
import Logging
import NIOCore

/// One of Connect's compacted internal topics (`connect-configs`, `connect-offsets`,
/// `connect-status`) reached through the Kafka protocol (Kafka's `KafkaBasedLog`): created when
/// missing with `cleanup.policy=compact`, written with an idempotent acks=all producer, and read by
/// every worker from the start of every partition, so each worker holds the same replayed state.
public actor ConnectInternalTopic {
    /// A record read back.
    public struct Entry: Sendable {
        public var partition: Int32
        public var offset: Int64
        public var key: [UInt8]?
        public var value: [UInt8]?
    }

    public nonisolated let name: String
    private let partitions: Int32
    private let replicationFactor: Int16
    private let cluster: KafkaCluster
    private let client: ClientConfig
    private var producer: KafkaProducer?
    private var consumer: KafkaConsumer?
    private var assigned: [TopicPartition] = []
    private let logger: Logger

    /// `partitions` and `replicationFactor` apply when the topic is created here (the factor is
    /// capped by the brokers there are, so one node works with the default of 3).
    public init(name: String, partitions: Int32, replicationFactor: Int16 = 3, cluster: KafkaCluster, client: ClientConfig,
                logger: Logger) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.cluster = cluster
        self.client = client
        self.logger = logger
    }

    /// Creates the topic unless it exists, then assigns the reader to all its partitions from the
    /// start.
    public func start() async throws {
        if consumer != nil { return }
        try await ensureTopic()
        let metadata = try await cluster.metadata(for: [name])
        guard let topic = metadata.topics[name], !topic.partitions.isEmpty else {
            throw ConnectRuntimeError.internalTopic("topic \(name) has no partitions")
        }
        var config = ConsumerConfig(client: client, groupId: nil)
        config.enableAutoCommit = false
        config.autoOffsetReset = .earliest
        config.isolationLevel = .readCommitted
        config.fetchMaxWait = .milliseconds(100)
        let consumer = try KafkaConsumer(config: config, cluster: cluster)
        assigned = topic.partitions.map { TopicPartition(name, $0.id) }
        try await consumer.assign(assigned)
        self.consumer = consumer
    }

    private func ensureTopic() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let metadata = try await cluster.metadata(for: [name])
            if let topic = metadata.topics[name], topic.errorCode == .none, !topic.partitions.isEmpty { return }
            let brokers = max(1, metadata.brokers.count)
            let factor = max(1, min(replicationFactor, Int16(clamping: brokers)))
            let results = try await KafkaAdmin(cluster: cluster).createTopics([
                NewTopic(name: name, partitions: partitions, replicationFactor: factor, configs: ["cleanup.policy": "compact"]),
            ])
            if case .failure(let error) = results[name] {
                guard case .server(.topicAlreadyExists, _, _) = error else { throw error }
            }
            guard ContinuousClock.now < deadline else {
                throw ConnectRuntimeError.internalTopic("topic \(name) was created but does not appear")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Writes one record and returns once it is acknowledged by all in-sync replicas. A nil
    /// partition picks one by the key's hash (Kafka's default partitioner).
    @discardableResult
    public func send(key: [UInt8], value: [UInt8]?, partition: Int32? = nil) async throws -> RecordMetadata {
        let producer = try writer()
        return try await producer.send(ProducerRecord(topic: name, partition: partition, key: key, value: value))
    }

    private func writer() throws -> KafkaProducer {
        if let producer { return producer }
        var config = ProducerConfig(client: client)
        config.acks = .all
        config.enableIdempotence = true
        config.linger = .zero
        let producer = try KafkaProducer(config: config, cluster: cluster)
        self.producer = producer
        return producer
    }

    /// Whether the topic exists (without creating it).
    public func exists() async throws -> Bool {
        let metadata = try await cluster.metadata(for: [name])
        guard let topic = metadata.topics[name] else { return false }
        return topic.errorCode == .none && !topic.partitions.isEmpty
    }

    /// The offset one past the last record of each partition now (the last stable offset).
    public func endOffsets() async throws -> [Int32: Int64] {
        guard let consumer else { throw ConnectRuntimeError.internalTopic("topic \(name) is not started") }
        let specs = Dictionary(uniqueKeysWithValues: assigned.map { ($0, OffsetSpec.latest) })
        let ends = try await retrying("list offsets") { try await consumer.listOffsets(specs) }
        return Dictionary(uniqueKeysWithValues: ends.map { ($0.key.partition, $0.value) })
    }

    /// Every record from the reader's position up to the end the partitions have now (Kafka's
    /// `readToEnd`): after it, the caller has seen every write acknowledged before the call.
    public func readToEnd() async throws -> [Entry] {
        guard let consumer else { throw ConnectRuntimeError.internalTopic("topic \(name) is not started") }
        let specs = Dictionary(uniqueKeysWithValues: assigned.map { ($0, OffsetSpec.latest) })
        let ends = try await retrying("list offsets") { try await consumer.listOffsets(specs) }
        var entries: [Entry] = []
        while true {
            var behind = false
            for partition in assigned {
                let position = try await retrying("position") { try await consumer.position(partition) }
                if position < (ends[partition] ?? 0) {
                    behind = true
                    break
                }
            }
            if !behind { return entries }
            // Each step retried on its own: what a poll returned is never read twice nor dropped.
            entries += try await retrying("poll") { try await poll(consumer, timeout: .milliseconds(100)) }
        }
    }

    /// Records that arrived since the last read, waiting up to `timeout` for some.
    public func poll(timeout: Duration) async throws -> [Entry] {
        guard let consumer else { throw ConnectRuntimeError.internalTopic("topic \(name) is not started") }
        return try await poll(consumer, timeout: timeout)
    }

    private func poll(_ consumer: KafkaConsumer, timeout: Duration) async throws -> [Entry] {
        try await consumer.poll(timeout: timeout).map { record in
            Entry(partition: record.partition, offset: record.offset, key: record.key.map { Array($0.readableBytesView) },
                  value: record.value.map { Array($0.readableBytesView) })
        }
    }

    /// Retries what a leader change or a broker going away makes fail for a moment (a worker starts
    /// reading just as the broker that led a partition died), for up to a minute.
    private func retrying<T: Sendable>(_ what: String, _ operation: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(60)
        var delay: Duration = .milliseconds(50)
        while true {
            do {
                return try await operation()
            } catch let error as KafkaClientError where error.isRetriable && ContinuousClock.now < deadline {
                logger.debug("\(name): \(what) failed, retrying: \(error)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    public func close() async {
        await consumer?.close()
        consumer = nil
        if let producer { await producer.close(timeout: .seconds(5)) }
        producer = nil
    }
}

/// Failures of the Connect runtime's own machinery (not of a connector).
public enum ConnectRuntimeError: Error, Sendable, CustomStringConvertible {
    case internalTopic(String)

    public var description: String {
        switch self {
        case .internalTopic(let message): "Connect internal topic: \(message)"
        }
    }
}
