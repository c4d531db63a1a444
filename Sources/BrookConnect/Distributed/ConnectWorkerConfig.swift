/// A Connect worker's settings, with Kafka's `DistributedConfig` names and defaults: the group the
/// workers share, the three internal topics, and the membership timings. The full property map is
/// kept too: it carries the worker-wide converter settings every task inherits.
public struct ConnectWorkerConfig: Sendable {
    /// The worker's REST address (`host:port`): its id in statuses and in the group.
    public var workerID: String
    public var groupID = "connect-cluster"
    public var configTopic = "connect-configs"
    public var offsetsTopic = "connect-offsets"
    public var statusTopic = "connect-status"
    public var offsetsPartitions: Int32 = 25
    public var statusPartitions: Int32 = 5
    public var replicationFactor: Int16 = 3
    public var sessionTimeout: Duration = .seconds(10)
    public var heartbeatInterval: Duration = .seconds(3)
    public var rebalanceTimeout: Duration = .seconds(60)
    public var properties: [String: String]

    public init(workerID: String, properties: [String: String] = [:]) throws(ConnectConfigError) {
        self.workerID = workerID
        self.properties = properties
        func text(_ key: String) -> String? { properties[key].flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String, in range: ClosedRange<Int64>) throws(ConnectConfigError) -> Int64? {
            guard let raw = text(key) else { return nil }
            guard let value = Int64(raw.trimmingCharacters(in: " ")), range.contains(value) else {
                throw .invalidValue(key, raw, "Value must be a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        groupID = text("group.id") ?? groupID
        configTopic = text("config.storage.topic") ?? configTopic
        offsetsTopic = text("offset.storage.topic") ?? offsetsTopic
        statusTopic = text("status.storage.topic") ?? statusTopic
        if let value = try number("offset.storage.partitions", in: 1...10_000) { offsetsPartitions = Int32(value) }
        if let value = try number("status.storage.partitions", in: 1...10_000) { statusPartitions = Int32(value) }
        // Kafka applies one factor per topic; Brook uses the smallest asked for all three.
        var factors: [Int64] = []
        for key in ["config.storage.replication.factor", "offset.storage.replication.factor", "status.storage.replication.factor"] {
            if let factor = try number(key, in: 1...Int64(Int16.max)) { factors.append(factor) }
        }
        if let smallest = factors.min() { replicationFactor = Int16(smallest) }
        if let ms = try number("session.timeout.ms", in: 1...3_600_000) { sessionTimeout = .milliseconds(ms) }
        if let ms = try number("heartbeat.interval.ms", in: 1...3_600_000) { heartbeatInterval = .milliseconds(ms) }
        if let ms = try number("rebalance.timeout.ms", in: 1...3_600_000) { rebalanceTimeout = .milliseconds(ms) }
    }
}
