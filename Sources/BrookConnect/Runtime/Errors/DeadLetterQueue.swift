import BrookClient
import Logging
import NIOCore

/// A sink connector's dead letter queue (Kafka's `DeadLetterQueueReporter`): the original consumed
/// record (its raw key, value, headers and timestamp) is produced to
/// `errors.deadletterqueue.topic.name`, with the `__connect.errors.*` context headers when enabled.
/// The topic is created with one partition when missing.
public actor DeadLetterQueue {
    public nonisolated let topic: String
    private let replicationFactor: Int16
    private let contextHeaders: Bool
    private let cluster: KafkaCluster
    private let client: ClientConfig
    private let logger: Logger
    private var producer: KafkaProducer?

    public init(topic: String, replicationFactor: Int16, contextHeaders: Bool, cluster: KafkaCluster, client: ClientConfig, logger: Logger) {
        self.topic = topic
        self.replicationFactor = replicationFactor
        self.contextHeaders = contextHeaders
        self.cluster = cluster
        self.client = client
        self.logger = logger
    }

    /// Creates the topic unless it exists (one partition; the replication factor capped by the
    /// brokers there are, -1 leaves it to the broker).
    public func start() async throws {
        let metadata = try await cluster.metadata(for: [topic])
        if let existing = metadata.topics[topic], existing.errorCode == .none, !existing.partitions.isEmpty { return }
        logger.error("Topic \(topic) doesn't exist. Will attempt to create topic.")
        let brokers = Int16(clamping: max(1, metadata.brokers.count))
        let factor = replicationFactor < 0 ? replicationFactor : max(1, min(replicationFactor, brokers))
        let results = try await KafkaAdmin(cluster: cluster).createTopics([NewTopic(name: topic, partitions: 1, replicationFactor: factor)])
        if case .failure(let error) = results[topic] {
            guard case .server(.topicAlreadyExists, _, _) = error else {
                throw ConnectTaskFailure("Could not initialize dead letter queue with topic=\(topic)", cause: error)
            }
        }
    }

    /// Produces the failed record and waits for the acknowledgement; a failure to produce is logged,
    /// not thrown (as Kafka's reporter does). Records without a consumed original are not sent.
    public func report(_ context: ConnectErrorContext) async {
        guard case .consumed(let original) = context.original else { return }
        var headers = original.headers.map { KafkaHeader(key: $0.key, value: $0.value.map { ByteBuffer(bytes: $0) }) }
        if contextHeaders {
            headers += context.deadLetterQueueHeaders.map { KafkaHeader(key: $0.key, value: $0.value.map { ByteBuffer(bytes: $0) }) }
        }
        let record = ProducerRecord(topic: topic, key: original.key, value: original.value, headers: headers,
                                    timestamp: original.timestamp >= 0 ? original.timestamp : nil)
        do {
            _ = try await writer().send(record)
        } catch {
            logger.error("Could not produce message to dead letter queue. topic=\(topic)", metadata: ["error": "\(error)"])
        }
    }

    private func writer() throws -> KafkaProducer {
        if let producer { return producer }
        var config = ProducerConfig(client: client)
        config.acks = .all
        config.enableIdempotence = true
        config.linger = .zero
        let made = try KafkaProducer(config: config, cluster: cluster)
        producer = made
        return made
    }

    public func close() async {
        await producer?.close(timeout: .seconds(5))
        producer = nil
    }
}
