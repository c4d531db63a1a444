import BrookProtocol

/// What the cluster knows about one topic: its name, id, the brokers holding each partition's
/// replicas, and its config overrides, with the version it was read at (the CAS guard for the next
/// write). Partition leadership ({leader, leader epoch, ISR, partition epoch}) is a separate record
/// that changes far more often; it is not part of this one.
public struct TopicMetadataRecord: Sendable, Hashable {
    public var name: String
    public var topicId: KafkaUUID
    /// Replica broker ids per partition, indexed by partition; the first is the preferred leader.
    /// A single node holds `[nodeId]` for every partition.
    public var replicaAssignment: [[Int32]]
    /// Topic-level config overrides (Kafka names, without any storage prefix).
    public var configs: [String: String]
    /// The version this record was read or written at; `.absent` for a record not stored yet.
    public var version: MetadataVersion

    public init(name: String, topicId: KafkaUUID, replicaAssignment: [[Int32]], configs: [String: String],
                version: MetadataVersion = .absent) {
        self.name = name
        self.topicId = topicId
        self.replicaAssignment = replicaAssignment
        self.configs = configs
        self.version = version
    }

    public var partitionCount: Int32 { Int32(replicaAssignment.count) }
}

/// A contiguous range of producer ids reserved for one broker: `firstId ..< firstId + count`.
public struct ProducerIdBlock: Sendable, Hashable {
    public var firstId: Int64
    public var count: Int64

    public init(firstId: Int64, count: Int64) {
        self.firstId = firstId
        self.count = count
    }

    /// One past the last id of the block.
    public var endId: Int64 { firstId + count }
}
