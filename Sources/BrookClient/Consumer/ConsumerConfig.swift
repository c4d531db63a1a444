/// Where to start when a partition has no committed offset, or its position fell out of range.
public enum AutoOffsetReset: String, Sendable {
    /// The log start offset.
    case earliest
    /// The end of the log: only records produced from now on.
    case latest
    /// No reset: `poll` throws `offsetOutOfRange` / no-offset errors.
    case none
}

/// Which records a consumer sees in partitions with transactions.
public enum IsolationLevel: Int8, Sendable {
    /// Everything up to the high watermark, aborted transactions included.
    case readUncommitted = 0
    /// Only committed transactional records, up to the last stable offset.
    case readCommitted = 1
}

/// Consumer settings. Property names in `apply(_:)` are the Java client's.
public struct ConsumerConfig: Sendable {
    /// Connection, retry and timeout settings shared with other clients.
    public var client: ClientConfig
    /// `group.id`: needed for `subscribe` and for committing offsets.
    public var groupId: String?
    /// `group.instance.id`: static membership.
    public var groupInstanceId: String?
    /// `auto.offset.reset`.
    public var autoOffsetReset: AutoOffsetReset = .latest
    /// `enable.auto.commit`: commit positions every `autoCommitInterval` and on rebalance/close.
    public var enableAutoCommit = true
    /// `auto.commit.interval.ms`.
    public var autoCommitInterval: Duration = .seconds(5)
    /// `isolation.level`.
    public var isolationLevel: IsolationLevel = .readUncommitted
    /// `fetch.min.bytes`.
    public var fetchMinBytes = 1
    /// `fetch.max.bytes`.
    public var fetchMaxBytes = 52_428_800
    /// `fetch.max.wait.ms`: how long the broker holds a fetch waiting for `fetchMinBytes`.
    public var fetchMaxWait: Duration = .milliseconds(500)
    /// `max.partition.fetch.bytes`.
    public var maxPartitionFetchBytes = 1_048_576
    /// `session.timeout.ms`.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms`.
    public var heartbeatInterval: Duration = .seconds(3)
    /// `max.poll.interval.ms`, sent as the rebalance timeout.
    public var rebalanceTimeout: Duration = .seconds(300)
    /// `max.poll.interval.ms` (the same setting as `rebalanceTimeout`): a group member that does not
    /// call `poll` within it leaves the group, so its partitions are reassigned.
    public var maxPollInterval: Duration {
        get { rebalanceTimeout }
        set { rebalanceTimeout = newValue }
    }
    /// `partition.assignment.strategy`: assignors offered to the group, in preference order.
    public var assignors: [any PartitionAssignor] = [RangeAssignor(), CooperativeStickyAssignor()]
    /// Called inside `poll` just before partitions are given up in a rebalance (the Java client's
    /// `ConsumerRebalanceListener.onPartitionsRevoked`), while their offsets can still be committed.
    public var onPartitionsRevoked: (@Sendable ([TopicPartition]) async -> Void)?

    public init(client: ClientConfig = ClientConfig(), groupId: String? = nil) {
        self.client = client
        self.groupId = groupId
    }

    /// Applies consumer and shared properties; returns the keys neither understood.
    @discardableResult
    public mutating func apply(_ properties: [String: String]) throws -> [String: String] {
        var rest: [String: String] = [:]
        for (key, value) in try client.apply(properties) {
            switch key {
            case "group.id": groupId = value.isEmpty ? nil : value
            case "group.instance.id": groupInstanceId = value.isEmpty ? nil : value
            case "auto.offset.reset":
                switch value.lowercased() {
                case "earliest", "smallest", "beginning": autoOffsetReset = .earliest
                case "latest", "largest", "end": autoOffsetReset = .latest
                case "none", "error": autoOffsetReset = .none
                default: throw KafkaClientError.invalidConfiguration("auto.offset.reset=\(value) must be earliest, latest or none")
                }
            case "enable.auto.commit": enableAutoCommit = try ClientConfig.bool(key, value)
            case "auto.commit.interval.ms": autoCommitInterval = try ClientConfig.millis(key, value)
            case "isolation.level":
                switch value.lowercased() {
                case "read_committed": isolationLevel = .readCommitted
                case "read_uncommitted": isolationLevel = .readUncommitted
                default: throw KafkaClientError.invalidConfiguration("isolation.level=\(value) must be read_committed or read_uncommitted")
                }
            case "fetch.min.bytes": fetchMinBytes = try ClientConfig.integer(key, value, in: 0...Int(Int32.max))
            case "fetch.max.bytes": fetchMaxBytes = try ClientConfig.integer(key, value, in: 0...Int(Int32.max))
            case "fetch.max.wait.ms", "fetch.wait.max.ms": fetchMaxWait = try ClientConfig.millis(key, value)
            case "max.partition.fetch.bytes": maxPartitionFetchBytes = try ClientConfig.integer(key, value, in: 1...Int(Int32.max))
            case "session.timeout.ms": sessionTimeout = try ClientConfig.millis(key, value)
            case "heartbeat.interval.ms": heartbeatInterval = try ClientConfig.millis(key, value)
            case "max.poll.interval.ms": rebalanceTimeout = try ClientConfig.millis(key, value)
            case "partition.assignment.strategy":
                var chosen: [any PartitionAssignor] = []
                for name in value.split(separator: ",").map({ $0.trimmingWhitespace().lowercased() }) {
                    switch name {
                    case "range", "org.apache.kafka.clients.consumer.rangeassignor": chosen.append(RangeAssignor())
                    case "roundrobin", "org.apache.kafka.clients.consumer.roundrobinassignor": chosen.append(RoundRobinAssignor())
                    case "cooperative-sticky", "org.apache.kafka.clients.consumer.cooperativestickyassignor": chosen.append(CooperativeStickyAssignor())
                    default: throw KafkaClientError.invalidConfiguration("unknown assignor \(name) (range, roundrobin, cooperative-sticky)")
                    }
                }
                guard !chosen.isEmpty else { throw KafkaClientError.invalidConfiguration("partition.assignment.strategy is empty") }
                assignors = chosen
            default:
                rest[key] = value
            }
        }
        return rest
    }
}
