/// How a group moves partitions between members during a rebalance.
public enum RebalanceProtocol: Sendable {
    /// Every member gives up all its partitions before rejoining (range, roundrobin).
    case eager
    /// Members keep their partitions while rejoining; only moved ones are revoked, in a second round.
    case cooperative
}

/// One member as the group leader sees it in JoinGroup.
public struct GroupMemberSubscription: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var subscription: ConsumerSubscription

    public init(memberId: String, groupInstanceId: String? = nil, subscription: ConsumerSubscription) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.subscription = subscription
    }

    /// The key members are ordered by: the static instance id when set, else the member id.
    var sortKey: String { groupInstanceId ?? memberId }
}

/// A client-side partition assignment strategy (`partition.assignment.strategy`), run by the group
/// leader. `assign` must give every partition of every subscribed topic to exactly one subscribed
/// member, and must be deterministic.
public protocol PartitionAssignor: Sendable {
    /// The protocol name announced in JoinGroup ("range", "roundrobin", "cooperative-sticky").
    var name: String { get }
    /// Eager or cooperative.
    var rebalanceProtocol: RebalanceProtocol { get }
    /// member id → partitions, for `members` and the partition counts of their topics.
    func assign(members: [GroupMemberSubscription], partitionsPerTopic: [String: Int]) -> [String: [TopicPartition]]
}
