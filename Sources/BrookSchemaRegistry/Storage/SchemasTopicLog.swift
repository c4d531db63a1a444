import BrookClient
import BrookProtocol
import Logging
import NIOCore

/// The registry's log on a Kafka topic (Confluent's `kafkastore.topic`, default `_schemas`):
/// compacted, one partition, read back from the start by every registry, so the registry's data is
/// the topic's and can be copied between Confluent, Karapace and Brook. Reached through the Kafka
/// protocol like any client, so it works the same on one node and on a cluster.
///
/// One writer at a time across every registry sharing the topic, without a leader election: every
/// registry writes in transactions under the same `transactional.id`. A registry that starts writing
/// fences the previous writer (InitProducerId bumps the epoch and aborts its open transaction), and
/// a fenced writer's records never become visible to the read_committed readers. A write decided on
/// a state that a newer writer changed meanwhile is therefore refused (`RegistryLogError.fenced`) and the
/// registry decides again after catching up — so two brokers can never hand out the same id. The
/// order matters: `prepareWrite` (InitProducerId) comes before the catch-up and the decision. While
/// the producer lives, no other registry can have committed anything, so later writes skip the
/// catch-up (`RegistryWriterTenure.continued`) and cost one transaction each.
public actor SchemasTopicLog: RegistryLog {
    /// Confluent's default topic name.
    public static let defaultTopic = SchemaRegistry.defaultTopic
    static let transactionalId = "brook-schema-registry"

    private let topic: String
    private let partition: TopicPartition
    private let cluster: KafkaCluster
    private let client: ClientConfig
    private var producer: KafkaProducer?
    private let consumer: KafkaConsumer
    private let logger: Logger
    private var position: Int64 = -1
    private let replicationFactor: Int16
    /// The reader is assigned once the topic exists (it is created by the first write, so a broker
    /// whose registry is never used gets no `_schemas` topic).
    private var assigned = false

    /// A log on `topic` reached through `bootstrap`; `start()` creates the topic when it is missing.
    public init(bootstrap: [BrokerAddress], topic: String = SchemasTopicLog.defaultTopic, replicationFactor: Int16 = 3,
                logger: Logger) throws {
        self.replicationFactor = replicationFactor
        var client = ClientConfig(bootstrapServers: bootstrap, clientId: "brook-schema-registry")
        client.retryBackoff = .milliseconds(50)
        self.client = client
        cluster = KafkaCluster(config: client)
        var consumerConfig = ConsumerConfig(client: client, groupId: nil)
        consumerConfig.enableAutoCommit = false
        consumerConfig.autoOffsetReset = .earliest
        consumerConfig.isolationLevel = .readCommitted
        consumerConfig.fetchMaxWait = .milliseconds(200)
        consumer = try KafkaConsumer(config: consumerConfig, cluster: cluster)
        self.topic = topic
        partition = TopicPartition(topic, 0)
        self.logger = logger
    }

    /// Whether the topic exists; assigns the reader the first time it does.
    private func topicExists() async throws -> Bool {
        if assigned { return true }
        let metadata = try await cluster.metadata(for: [topic])
        guard let found = metadata.topics[topic], found.errorCode == .none, !found.partitions.isEmpty else { return false }
        try await consumer.assign([partition])
        assigned = true
        return true
    }

    /// Creates the topic as Confluent's registry does (one partition, `cleanup.policy=compact`,
    /// replication factor 3 capped by the brokers there are) unless it exists.
    private func ensureTopic() async throws {
        if try await topicExists() { return }
        let brokers = try await cluster.metadata(for: []).brokers.count
        let factor = max(1, min(replicationFactor, Int16(clamping: brokers)))
        let admin = KafkaAdmin(cluster: cluster)
        let results = try await admin.createTopics([NewTopic(name: topic, partitions: 1, replicationFactor: factor,
                                                             configs: ["cleanup.policy": "compact"])])
        if case .failure(let error) = results[topic] {
            guard case .server(.topicAlreadyExists, _, _) = error else { throw error }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !topicExists() {
            guard ContinuousClock.now < deadline else { throw RegistryLogError.timedOut("topic \(topic) was created but does not appear") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `.continued` while the transactional producer initialised at an earlier write is still in
    /// use: any other registry's InitProducerId fences it, and a failed append drops it, so while it
    /// lives the log holds nothing committed but this registry's own appends since it began.
    public func prepareWrite() async throws -> RegistryWriterTenure {
        if producer != nil { return .continued }
        try await ensureTopic()
        _ = try await writer()
        return .began
    }

    public func append(_ records: [RegistryLogRecord]) async throws -> Int64 {
        // The producer prepareWrite initialised; without it (dropped after an error since) the
        // caller's decision is not covered by this registry's writer epoch: decide again.
        guard let producer else { throw RegistryLogError.fenced }
        do {
            try producer.beginTransaction()
            var next: Int64 = 0
            for record in records {
                let sent = try await producer.send(ProducerRecord(topic: topic, partition: 0, key: record.key, value: record.value))
                next = sent.offset + 1
            }
            try await producer.commitTransaction()
            return next
        } catch {
            // Whatever happened, this producer's transaction state is no longer trusted.
            self.producer = nil
            await producer.close(timeout: .seconds(1))
            if Self.isFenced(error) { throw RegistryLogError.fenced }
            throw error
        }
    }

    /// The transactional producer, initialised (fencing any other registry's) when there is none.
    private func writer() async throws -> KafkaProducer {
        if let producer { return producer }
        var config = ProducerConfig(client: client)
        config.acks = .all
        config.enableIdempotence = true
        config.linger = .zero
        config.transactionalId = Self.transactionalId
        let producer = try KafkaProducer(config: config, cluster: cluster)
        do {
            try await producer.initTransactions()
        } catch {
            await producer.close(timeout: .seconds(1))
            throw error
        }
        self.producer = producer
        return producer
    }

    static func isFenced(_ error: any Error) -> Bool {
        guard case .server(let code, _, _)? = error as? KafkaClientError else { return false }
        return code == .producerFenced || code == .invalidProducerEpoch
    }

    public func read(from offset: Int64) async throws -> RegistryLogBatch {
        guard try await topicExists() else {
            // Nothing registered anywhere yet: look again in a while (another broker may create it).
            try await Task.sleep(for: .milliseconds(500))
            return RegistryLogBatch(entries: [], nextOffset: offset)
        }
        if offset != position {
            try await consumer.seek(partition, to: offset)
            position = offset
        }
        // Short polls: a read that only passes transaction markers (every write ends with one) has
        // no records to wait for, and must return as soon as the position moved past them.
        let deadline = ContinuousClock.now + .milliseconds(500)
        while true {
            let polled = try await consumer.poll(timeout: .milliseconds(20))
            var entries: [RegistryLogBatch.Entry] = []
            for record in polled where record.topicPartition == partition {
                let key = record.key.map { Array($0.readableBytesView) } ?? []
                entries.append(.init(offset: record.offset, record: RegistryLogRecord(
                    key: key, value: record.value.map { Array($0.readableBytesView) })))
                position = record.offset + 1
            }
            if !entries.isEmpty { return RegistryLogBatch(entries: entries, nextOffset: position) }
            let now = try await consumer.position(partition)
            if now > offset || ContinuousClock.now >= deadline {
                position = now
                return RegistryLogBatch(entries: [], nextOffset: now)
            }
        }
    }

    /// The last stable offset: records of transactions still open are not counted.
    public func endOffset() async throws -> Int64 {
        guard try await topicExists() else { return 0 }
        return try await consumer.listOffsets([partition: .latest])[partition] ?? 0
    }

    public func close() async {
        await consumer.close()
        if let producer { await producer.close(timeout: .seconds(5)) }
        await cluster.close()
    }
}
