/// The connector plugins this build has, with the configs each accepts (Kafka's ConnectorConfig,
/// SinkConnectorConfig and each connector's `config()`), and how a `connector.class` names one:
/// the full class name, the simple name, or the simple name without `Connector` (Kafka's aliases).
public struct ConnectorPlugin: Sendable {
    public var className: String
    public var type: ConnectorType
    public var version: String
    public var keys: [ConnectConfigKey]
    /// Problems only the plugin can see (one config depending on another), by config name.
    var check: @Sendable ([String: String]) -> [String: [String]] = { _ in [:] }
    /// How the plugin's connector splits into tasks and makes them; nil: Brook knows its configs
    /// but cannot run it (its connectors fail at start with that message).
    var tasks: ConnectorTasks? = nil

    var aliases: [String] {
        let simple = className.split(separator: ".").last.map(String.init) ?? className
        return [className, simple] + (simple.hasSuffix("Connector") ? [String(simple.dropLast("Connector".count))] : [])
    }

    var info: ConnectorPluginInfo { ConnectorPluginInfo(className: className, type: type, version: version) }

    /// Every config a connector of this plugin accepts: Connect's common ones first.
    var allKeys: [ConnectConfigKey] {
        ConnectorPlugins.commonKeys + (type == .sink ? ConnectorPlugins.sinkKeys : []) + keys
    }

    func validate(_ config: [String: String]) -> ConfigValidation {
        var extra = check(config)
        if type == .sink {
            let topics = !(config["topics"] ?? "").isEmpty, regex = !(config["topics.regex"] ?? "").isEmpty
            if topics == regex {
                let message = topics ? "topics and topics.regex are mutually exclusive options, but both are set."
                    : "Must configure one of topics or topics.regex"
                extra["topics", default: []].append(message)
            }
        }
        return ConfigValidation(pluginName: className, keys: allKeys, config: config, extraErrors: extra)
    }
}

/// The plugins Brook ships.
public enum ConnectorPlugins {
    static let all: [ConnectorPlugin] = [desiredStateSource, fileStreamSink, fileStreamSource, httpSink, httpSource,
                                         postgresSink, sqliteSink, jdbcSink, postgresSource, jdbcSource]

    /// The plugin `connector.class` names, if any.
    static func plugin(named name: String) -> ConnectorPlugin? {
        all.first { $0.aliases.contains(name) }
    }

    static let commonKeys: [ConnectConfigKey] = [
        .init("name", .string, required: true, importance: .high, "Globally unique name to use for this connector."),
        .init("connector.class", .string, required: true, importance: .high,
              "Name or alias of the class for this connector (e.g. FileStreamSink or org.apache.kafka.connect.file.FileStreamSinkConnector)."),
        .init("tasks.max", .int, default: "1", importance: .high, minimum: 1, "Maximum number of tasks to use for this connector."),
        .init("key.converter", .class, importance: .low, "Converter class for record keys."),
        .init("value.converter", .class, importance: .low, "Converter class for record values."),
        .init("header.converter", .class, importance: .low, "Converter class for record headers."),
        .init("transforms", .list, default: "", importance: .low, group: "Transforms", "Aliases for the transformations to apply to records."),
        .init("predicates", .list, default: "", importance: .low, group: "Predicates", "Aliases for the predicates transformations use."),
        .init("errors.retry.timeout", .long, default: "0", importance: .medium, group: "Error Handling", minimum: -1,
              "Maximum duration in milliseconds a failed operation is retried; 0 no retries, -1 forever."),
        .init("errors.retry.delay.max.ms", .long, default: "60000", importance: .medium, group: "Error Handling", minimum: 0,
              "Maximum duration in milliseconds between retries."),
        .init("errors.tolerance", .string, default: "none", importance: .medium, group: "Error Handling", allowed: ["none", "all"],
              "none: an error fails the task; all: problematic records are skipped."),
        .init("errors.log.enable", .boolean, default: "false", importance: .medium, group: "Error Handling",
              "Whether errors and failed records are logged."),
        .init("errors.log.include.messages", .boolean, default: "false", importance: .medium, group: "Error Handling",
              "Whether logged errors include the record."),
    ]

    static let sinkKeys: [ConnectConfigKey] = [
        .init("topics", .list, default: "", importance: .high, "Topics to consume from (or topics.regex)."),
        .init("topics.regex", .string, default: "", importance: .high, "Regular expression of topics to consume from."),
        .init("errors.deadletterqueue.topic.name", .string, default: "", importance: .medium, group: "Error Handling",
              "Topic failed records are written to (sinks only)."),
        .init("errors.deadletterqueue.topic.replication.factor", .int, default: "3", importance: .medium, group: "Error Handling",
              "Replication factor of the dead letter queue topic when it is created."),
        .init("errors.deadletterqueue.context.headers.enable", .boolean, default: "false", importance: .medium, group: "Error Handling",
              "Whether dead letter queue records carry __connect.errors.* headers."),
    ]

    static let fileStreamSource = ConnectorPlugin(
        className: "org.apache.kafka.connect.file.FileStreamSourceConnector", type: .source, version: BrookConnect.compatibleConnectVersion,
        keys: [
            .init("file", .string, importance: .high, "Source filename. If not specified, the standard input will be used"),
            .init("topic", .list, required: true, importance: .high, "The topic to publish data to"),
            .init("batch.size", .int, default: "2000", importance: .low, "The maximum number of records the source task can read from the file each time it is polled"),
        ],
        check: FileStreamConfig.checkSource,
        tasks: .single(.source { FileStreamSourceTask() }))

    static let fileStreamSink = ConnectorPlugin(
        className: "org.apache.kafka.connect.file.FileStreamSinkConnector", type: .sink, version: BrookConnect.compatibleConnectVersion,
        keys: [.init("file", .string, importance: .high, "Destination filename. If not specified, the standard output will be used")],
        tasks: .replicated(.sink { FileStreamSinkTask() }))

    static let desiredStateSource = ConnectorPlugin(
        className: "DesiredStateSource", type: .source, version: "1.0",
        keys: [
            .init("input", .string, required: true, importance: .high, group: "Desired state", allowed: ["csv", "files", "sql"],
                  "Where the declared state comes from: CSV files, the files of a directory, or a SQL query."),
            .init("path", .string, importance: .high, group: "Desired state", "A glob of the input files (input=csv|files)."),
            .init("query", .string, importance: .high, group: "Desired state", "The SQL query (input=sql)."),
            .init("connection.url", .string, importance: .high, group: "Desired state",
                  "input=sql: the database (jdbc:postgresql://…, postgres://…, sqlite:///path or a file path)."),
            .init("connection.user", .string, importance: .medium, group: "Desired state", "input=sql: the database user."),
            .init("connection.password", .string, importance: .medium, group: "Desired state", "input=sql: the database password."),
            .init("key.columns", .list, default: "", importance: .high, group: "Desired state", "The columns that make a row's key."),
            .init("topic", .string, required: true, importance: .high, group: "Desired state", "The compacted topic that holds the state."),
            .init("value.format", .string, default: "bytes", importance: .medium, group: "Desired state", allowed: ["bytes", "json"],
                  "input=files: the file's bytes, or its JSON re-written compactly."),
            .init("csv.separator", .string, default: ",", importance: .low, group: "Desired state", "The CSV field separator."),
            .init("deletion.mode", .string, importance: .medium, group: "Desired state", allowed: ["tombstone", "value", "none"],
                  "What a key no longer declared gets: a tombstone (default), deletion.value, or nothing."),
            .init("deletion.value", .string, importance: .low, group: "Desired state", "The value written for deleted keys."),
            .init("poll.interval.ms", .long, default: "60000", importance: .medium, group: "Desired state", minimum: 1,
                  "The time between full passes; a changed input file (csv, files) starts a pass over it at once."),
        ],
        check: { config in
            // Checks that need several configs at once; single-config problems are the keys' own.
            do throws(DesiredStateError) {
                _ = try DesiredStateConfig(properties: config)
                return [:]
            } catch {
                if case let .invalidConfig(key, reason) = error, !reason.hasPrefix("Missing required configuration"),
                   !reason.contains("is not one of") {
                    return [key: [reason]]
                }
                return [:]
            }
        },
        tasks: .single(.source { DesiredStateSourceTask() }))
}
