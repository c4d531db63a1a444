import BrookClient
import BrookRegistryClient
import Logging

/// Runs connectors in this process alone, without a group (Kafka's `connect-standalone`):
/// `brook connect run` with a connector file or a pipeline. Each connector's config is validated
/// as the REST API would, split into task configs by its plugin, and its tasks run until the
/// caller's task is cancelled. Source offsets go to the cluster's `connect-offsets` topic, so a
/// standalone run resumes where the last one stopped.
public actor StandaloneWorker {
    /// A task's state change, for the caller to show.
    public struct Event: Sendable {
        public var task: ConnectTaskID
        public var state: ConnectStatusState
        public var trace: String?
    }

    private let client: ClientConfig
    private let cluster: KafkaCluster
    private let properties: [String: String]
    private let logger: Logger
    private let offsets: ConnectOffsetStore

    public init(client: ClientConfig, workerProperties: [String: String] = [:], logger: Logger) throws(ConnectConfigError) {
        let config = try ConnectWorkerConfig(workerID: "standalone", properties: workerProperties)
        self.client = client
        cluster = KafkaCluster(config: client)
        properties = workerProperties
        self.logger = logger
        offsets = ConnectOffsetStore(topic: ConnectInternalTopic(
            name: config.offsetsTopic, partitions: config.offsetsPartitions, replicationFactor: config.replicationFactor,
            cluster: cluster, client: client, logger: logger))
    }

    /// The problems with `config` as Connect's validation words them (empty: it can run).
    public nonisolated func problems(_ config: [String: String]) -> [String] {
        let validation: ConfigValidation
        do {
            validation = try ConnectorPlugins.validate(config, plugin: nil)
        } catch {
            return ["\(error)"]
        }
        var problems = validation.entries.flatMap { entry in entry.errors.map { "\(entry.key.name): \($0)" } }
        if problems.isEmpty, ConnectorPlugins.plugin(named: config["connector.class"] ?? "")?.tasks == nil {
            problems.append("connector.class: \(config["connector.class"] ?? "") does not run in this Brook version")
        }
        return problems
    }

    /// Runs every task of `connectors` until cancelled; `events` hears each state change.
    public func run(_ connectors: [[String: String]], events: @escaping @Sendable (Event) -> Void) async throws {
        try await offsets.start()
        await withTaskGroup(of: Void.self) { group in
            for config in connectors {
                guard let plugin = ConnectorPlugins.plugin(named: config["connector.class"] ?? ""), let tasks = plugin.tasks else { continue }
                let name = config["name"] ?? plugin.className
                let taskConfigs = DistributedHerder.taskConfigs(for: config, target: .started)
                for (index, taskConfig) in taskConfigs.enumerated() {
                    let environment = WorkerTaskEnvironment(
                        workerID: "standalone", client: client, cluster: cluster, workerConfig: properties, offsets: offsets,
                        registry: { url in try SchemaRegistryClient(url: url) }, logger: logger)
                    let worker = WorkerTask(id: ConnectTaskID(connector: name, task: Int32(index)), connectorConfig: config,
                                            taskConfig: taskConfig, maker: tasks.make, environment: environment) { id, state, trace in
                        events(Event(task: id, state: state, trace: trace))
                    }
                    group.addTask { await worker.run() }
                }
            }
            await group.waitForAll()
        }
        await offsets.close()
        await cluster.close()
    }
}
