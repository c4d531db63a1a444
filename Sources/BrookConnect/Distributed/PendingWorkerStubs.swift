// TEMPORARY: the shapes of the worker helper's types, until its branch is merged (then deleted).
import BrookClient
import BrookRegistryClient
import BrookSchemas
import Logging

public struct WorkerTaskEnvironment: Sendable {
    public var workerID: String
    public var client: ClientConfig
    public var cluster: KafkaCluster
    public var workerConfig: [String: String]
    public var offsets: ConnectOffsetStore
    public var registry: @Sendable (String) throws -> any SchemaRegistryLookups
    public var logger: Logger

    public init(workerID: String, client: ClientConfig, cluster: KafkaCluster, workerConfig: [String: String],
                offsets: ConnectOffsetStore, registry: @escaping @Sendable (String) throws -> any SchemaRegistryLookups, logger: Logger) {
        self.workerID = workerID
        self.client = client
        self.cluster = cluster
        self.workerConfig = workerConfig
        self.offsets = offsets
        self.registry = registry
        self.logger = logger
    }
}

public typealias TaskStatusReporter = @Sendable (ConnectTaskID, ConnectStatusState, _ trace: String?) async -> Void

public final class WorkerTask: Sendable {
    let id: ConnectTaskID
    let report: TaskStatusReporter
    public init(id: ConnectTaskID, connectorConfig: [String: String], taskConfig: [String: String],
                maker: ConnectorTasks.Maker, environment: WorkerTaskEnvironment, report: @escaping TaskStatusReporter) {
        self.id = id
        self.report = report
    }

    public func run() async {
        await report(id, .running, nil)
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
    }
}

public actor ConnectOffsetStore {
    let topic: ConnectInternalTopic
    public init(topic: ConnectInternalTopic) { self.topic = topic }
    public func start() async throws { try await topic.start() }
    public func close() async { await topic.close() }
    public func write(_ records: [ConnectOffsetRecord]) async throws {}
    public func offsets(connector: String) async throws -> [(partition: JSONValue, offset: JSONValue)] { [] }
}
