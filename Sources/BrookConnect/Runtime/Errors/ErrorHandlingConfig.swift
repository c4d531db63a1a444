/// A connector's error-handling settings (Kafka's `ConnectorConfig` / `SinkConnectorConfig`
/// `errors.*` keys, with their defaults).
public struct ErrorHandlingConfig: Sendable, Hashable {
    /// `errors.tolerance`.
    public enum Tolerance: String, Sendable, Hashable {
        case none
        case all
    }

    /// `errors.retry.timeout` in ms: 0 (default) never retries, -1 retries forever.
    public var retryTimeoutMs: Int64 = 0
    /// `errors.retry.delay.max.ms` (default 60000): the cap on one back-off.
    public var retryDelayMaxMs: Int64 = 60_000
    public var tolerance: Tolerance = .none
    /// `errors.log.enable`.
    public var logEnabled = false
    /// `errors.log.include.messages`.
    public var logIncludeMessages = false
    /// `errors.deadletterqueue.topic.name` (sinks only); empty = no dead letter queue.
    public var deadLetterQueueTopic = ""
    /// `errors.deadletterqueue.topic.replication.factor` (default 3, capped by the brokers there are).
    public var deadLetterQueueReplicationFactor: Int16 = 3
    /// `errors.deadletterqueue.context.headers.enable`.
    public var deadLetterQueueContextHeaders = false

    public init() {}

    /// Reads the `errors.*` keys of a connector config the way Kafka's ConfigDef parses them.
    public init(connectorConfig config: [String: String]) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(config)
        retryTimeoutMs = try Self.long(reader, "errors.retry.timeout", default: 0)
        retryDelayMaxMs = try Self.long(reader, "errors.retry.delay.max.ms", default: 60_000)
        guard retryDelayMaxMs >= 1 else {
            throw .invalidValue("errors.retry.delay.max.ms", "\(retryDelayMaxMs)", "Value must be at least 1")
        }
        if let raw = config["errors.tolerance"] {
            guard let parsed = Tolerance(rawValue: raw.trimmingASCIISpaces.lowercased()) else {
                throw .invalidValue("errors.tolerance", raw, "String must be one of: none, all")
            }
            tolerance = parsed
        }
        logEnabled = try reader.bool("errors.log.enable", default: false)
        logIncludeMessages = try reader.bool("errors.log.include.messages", default: false)
        deadLetterQueueTopic = (config["errors.deadletterqueue.topic.name"] ?? "").trimmingASCIISpaces
        let factor = try Self.long(reader, "errors.deadletterqueue.topic.replication.factor", default: 3)
        guard let short = Int16(exactly: factor), short >= -1, short != 0 else {
            throw .invalidValue("errors.deadletterqueue.topic.replication.factor", "\(factor)",
                                "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
        }
        deadLetterQueueReplicationFactor = short
        deadLetterQueueContextHeaders = try reader.bool("errors.deadletterqueue.context.headers.enable", default: false)
    }

    private static func long(_ reader: ConnectConfigReader, _ key: String, default fallback: Int64) throws(ConnectConfigError) -> Int64 {
        guard let raw = reader.string(key) else { return fallback }
        guard let value = Int64(raw.trimmingASCIISpaces) else { throw reader.invalid(key, raw, "Not a number of type LONG") }
        return value
    }
}
