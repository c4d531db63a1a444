import BrookClient
import BrookRegistryClient
import Logging

/// What a worker gives every task it runs.
public struct WorkerTaskEnvironment: Sendable {
    /// The worker's REST host:port (status records carry it).
    public var workerID: String
    /// Bootstrap servers and client settings.
    public var client: ClientConfig
    /// Shared by the worker's clients.
    public var cluster: KafkaCluster
    /// Worker properties with Kafka's `connect-distributed.properties` names (see `WorkerSettings`);
    /// a connector's own `key.converter`/`value.converter`/`header.converter` (+ prefixed settings)
    /// override the worker's.
    public var workerConfig: [String: String]
    public var offsets: ConnectOffsetStore
    /// A registry client for a converter's `schema.registry.url` (registry converters).
    public var registry: @Sendable (String) throws -> any SchemaRegistryLookups
    public var logger: Logger
    /// Told the first time a task produces to or consumes from a topic (Connect's active topics,
    /// `GET /connectors/{c}/topics`).
    public var topicUsed: @Sendable (ConnectTaskID, String) async -> Void = { _, _ in }

    public init(workerID: String, client: ClientConfig, cluster: KafkaCluster, workerConfig: [String: String], offsets: ConnectOffsetStore,
                registry: @escaping @Sendable (String) throws -> any SchemaRegistryLookups, logger: Logger) {
        self.workerID = workerID
        self.client = client
        self.cluster = cluster
        self.workerConfig = workerConfig
        self.offsets = offsets
        self.registry = registry
        self.logger = logger
    }
}

/// How a running task tells the herder its state: RUNNING once started, FAILED with a trace.
public typealias TaskStatusReporter = @Sendable (ConnectTaskID, ConnectStatusState, _ trace: String?) async -> Void
