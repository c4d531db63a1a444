/// How a connector plugin runs (the part of Kafka's `Connector` Brook needs): how its config is
/// split into task configs (`taskConfigs(maxTasks)`), and how one of its tasks is made.
public struct ConnectorTasks: Sendable {
    /// Kafka's `Connector.taskConfigs`: at most `maxTasks` configs, one per task to run.
    public var taskConfigs: @Sendable (_ config: [String: String], _ maxTasks: Int) -> [[String: String]]
    public var make: Maker

    /// A new, not yet started task of the plugin.
    public enum Maker: Sendable {
        case source(@Sendable () -> any SourceTask)
        case sink(@Sendable () -> any SinkTask)
    }

    /// One task with the connector's own config: what FileStream and most single-stream
    /// connectors do.
    public static func single(_ make: Maker) -> ConnectorTasks {
        ConnectorTasks(taskConfigs: { config, _ in [config] }, make: make)
    }

    /// `tasks.max` tasks with the connector's config: what sink connectors do (Kafka's
    /// FileStreamSink, Confluent's JDBC sink), the consumer group then splitting the partitions.
    public static func replicated(_ make: Maker) -> ConnectorTasks {
        ConnectorTasks(taskConfigs: { config, maxTasks in Array(repeating: config, count: max(1, maxTasks)) }, make: make)
    }

    public init(taskConfigs: @escaping @Sendable ([String: String], Int) -> [[String: String]], make: Maker) {
        self.taskConfigs = taskConfigs
        self.make = make
    }
}
