/// Group coordinator settings, named and defaulted as Apache Kafka's broker properties.
public struct GroupCoordinatorConfig: Sendable, Equatable {
    /// `group.initial.rebalance.delay.ms`: how long a new (Empty) group waits for more members before
    /// its first rebalance; 0 completes it as soon as the loop turns.
    public var initialRebalanceDelayMs: Int32 = 3000
    /// `group.min.session.timeout.ms`.
    public var minSessionTimeoutMs: Int32 = 6000
    /// `group.max.session.timeout.ms`.
    public var maxSessionTimeoutMs: Int32 = 1_800_000
    /// `group.max.size`.
    public var maxGroupSize: Int32 = Int32.max
    /// How long a new member's parked JoinGroup may wait before it is dropped (Kafka's fixed 5 minutes).
    public var newMemberJoinTimeoutMs: Int32 = 300_000
    /// `offset.metadata.max.bytes`: longest commit metadata string accepted (in UTF-16 units, as Java counts).
    public var offsetMetadataMaxBytes: Int = 4096
    /// `offsets.retention.minutes` in milliseconds (default 7 days).
    public var offsetsRetentionMs: Int64 = 10080 * 60_000
    /// `offsets.retention.check.interval.ms`.
    public var offsetsRetentionCheckIntervalMs: Int64 = 600_000
    /// `offsets.topic.num.partitions`.
    public var offsetsTopicPartitions: Int32 = 50
    /// `group.consumer.session.timeout.ms` (KIP-848 groups).
    public var consumerSessionTimeoutMs: Int32 = 45000
    /// `group.consumer.heartbeat.interval.ms` (KIP-848 groups).
    public var consumerHeartbeatIntervalMs: Int32 = 5000
    /// `group.consumer.max.size` (KIP-848 groups).
    public var consumerMaxGroupSize: Int32 = Int32.max

    public init() {}
}
