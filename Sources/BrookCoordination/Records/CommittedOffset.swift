/// A committed position of a group on one partition, as OffsetFetch returns it.
public struct CommittedOffset: Sendable, Equatable {
    public var offset: Int64
    /// -1 when the client did not send one (KIP-320).
    public var leaderEpoch: Int32
    public var metadata: String
    public var commitTimestamp: Int64
    /// Only set by OffsetCommit v2–4 with an explicit retention time.
    public var expireTimestamp: Int64?

    public init(offset: Int64, leaderEpoch: Int32 = -1, metadata: String = "", commitTimestamp: Int64,
                expireTimestamp: Int64? = nil) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestamp = commitTimestamp
        self.expireTimestamp = expireTimestamp
    }
}

/// A group's committed offset key: topic and partition.
public struct GroupTopicPartition: Hashable, Sendable, Comparable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
}
