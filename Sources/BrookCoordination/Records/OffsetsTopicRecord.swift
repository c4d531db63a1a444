import NIOCore

/// One record of the `__consumer_offsets` topic, in Kafka's key/value layouts. A nil value is a
/// tombstone (the offset, group or member was deleted).
public enum OffsetsTopicRecord: Sendable, Equatable {
    /// Key version 1 (group, topic, partition); value version 3 (or 1 with an expire timestamp).
    case offsetCommit(group: String, GroupTopicPartition, CommittedOffset?)
    /// Key version 2 (group); value version 3.
    case groupMetadata(group: String, GroupMetadataValue?)
    /// KIP-848, key version 3 (`ConsumerGroupMetadata`): the group epoch.
    case consumerGroupEpoch(group: String, Int32?)
    /// KIP-848, key version 4 (`ConsumerGroupPartitionMetadata`): the subscribed topics' ids and
    /// partition counts the target assignment was computed from.
    case consumerSubscriptionMetadata(group: String, [TopicImage]?)
    /// KIP-848, key version 5 (`ConsumerGroupMemberMetadata`).
    case consumerMemberMetadata(group: String, member: String, ConsumerMemberMetadataValue?)
    /// KIP-848, key version 6 (`ConsumerGroupTargetAssignmentMetadata`): the assignment epoch.
    case consumerTargetAssignmentEpoch(group: String, Int32?)
    /// KIP-848, key version 7 (`ConsumerGroupTargetAssignmentMember`): one member's target.
    case consumerTargetAssignment(group: String, member: String, TopicAssignment?)
    /// KIP-848, key version 8 (`ConsumerGroupCurrentMemberAssignment`).
    case consumerCurrentAssignment(group: String, member: String, ConsumerMemberAssignmentValue?)

    /// Whether the record deletes what its key names.
    public var isTombstone: Bool {
        switch self {
        case .offsetCommit(_, _, let v): return v == nil
        case .groupMetadata(_, let v): return v == nil
        case .consumerGroupEpoch(_, let v), .consumerTargetAssignmentEpoch(_, let v): return v == nil
        case .consumerSubscriptionMetadata(_, let v): return v == nil
        case .consumerMemberMetadata(_, _, let v): return v == nil
        case .consumerTargetAssignment(_, _, let v): return v == nil
        case .consumerCurrentAssignment(_, _, let v): return v == nil
        }
    }

    /// The group the record belongs to.
    public var groupId: String {
        switch self {
        case .offsetCommit(let group, _, _), .groupMetadata(let group, _), .consumerGroupEpoch(let group, _),
             .consumerSubscriptionMetadata(let group, _), .consumerMemberMetadata(let group, _, _),
             .consumerTargetAssignmentEpoch(let group, _), .consumerTargetAssignment(let group, _, _),
             .consumerCurrentAssignment(let group, _, _):
            return group
        }
    }
}
