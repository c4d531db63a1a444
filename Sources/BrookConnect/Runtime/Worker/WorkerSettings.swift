/// The worker properties a task's loop reads (Kafka's `WorkerConfig`/`DistributedConfig` names and
/// defaults).
public struct WorkerSettings: Sendable, Hashable {
    /// `group.id` (default `connect-cluster`): part of a source task's transactional id.
    public var groupID = "connect-cluster"
    /// `offset.flush.interval.ms` (default 10000): how often source offsets are written and sink
    /// offsets committed.
    public var offsetFlushIntervalMs: Int64 = 10_000
    /// `offset.flush.timeout.ms` (default 5000): how long a stopping source task waits for
    /// outstanding acknowledgements.
    public var offsetFlushTimeoutMs: Int64 = 5_000
    /// `exactly.once.source.support=enabled`.
    public var exactlyOnceSource = false

    public init() {}

    public init(workerConfig config: [String: String]) throws(ConnectConfigError) {
        if let group = config["group.id"], !group.isEmpty { groupID = group }
        offsetFlushIntervalMs = try Self.long(config, "offset.flush.interval.ms", default: 10_000)
        offsetFlushTimeoutMs = try Self.long(config, "offset.flush.timeout.ms", default: 5_000)
        switch config["exactly.once.source.support"]?.trimmingASCIISpaces.lowercased() ?? "disabled" {
        case "enabled": exactlyOnceSource = true
        case "disabled", "preparing": exactlyOnceSource = false
        case let other:
            throw .invalidValue("exactly.once.source.support", other, "String must be one of (case insensitive): DISABLED, ENABLED, PREPARING")
        }
    }

    private static func long(_ config: [String: String], _ key: String, default fallback: Int64) throws(ConnectConfigError) -> Int64 {
        guard let raw = config[key] else { return fallback }
        guard let value = Int64(raw.trimmingASCIISpaces), value >= 0 else { throw .invalidValue(key, raw, "Not a number of type LONG") }
        return value
    }
}
