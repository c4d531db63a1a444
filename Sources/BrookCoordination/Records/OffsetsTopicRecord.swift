import NIOCore

/// One record of the `__consumer_offsets` topic, in Kafka's key/value layouts. A nil value is a
/// tombstone (the offset or group was deleted).
public enum OffsetsTopicRecord: Sendable, Equatable {
    /// Key version 1 (group, topic, partition); value version 3 (or 1 with an expire timestamp).
    case offsetCommit(group: String, GroupTopicPartition, CommittedOffset?)
    /// Key version 2 (group); value version 3.
    case groupMetadata(group: String, GroupMetadataValue?)

    /// The group the record belongs to.
    public var groupId: String {
        switch self {
        case .offsetCommit(let group, _, _), .groupMetadata(let group, _): return group
        }
    }
}
