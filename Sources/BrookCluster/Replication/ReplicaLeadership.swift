/// Who leads a partition and who is in sync: the part of `PartitionReplicaState` that changes only
/// on leadership and ISR updates, small enough to publish to other threads (Produce's min.insync
/// check, the leader epoch checks of Fetch and ListOffsets).
public struct ReplicaLeadership: Equatable, Sendable {
    /// Assigned replicas, preferred leader first.
    public var replicas: [Int32]
    /// The leader, nil when unknown.
    public var leader: Int32?
    /// -1 until this broker has learnt one.
    public var leaderEpoch: Int32
    /// Bumped by the controller on every change of replicas, leader or ISR.
    public var partitionEpoch: Int32
    /// The ISR committed by the controller (not a proposal still in flight).
    public var isr: [Int32]

    public init(replicas: [Int32], leader: Int32?, leaderEpoch: Int32, partitionEpoch: Int32, isr: [Int32]) {
        self.replicas = replicas
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.isr = isr
    }

    /// Whether acks=all may append: Kafka's rule compares the committed ISR's size with
    /// `min.insync.replicas` (NOT_ENOUGH_REPLICAS otherwise).
    public func minInsyncSatisfied(_ minInsyncReplicas: Int) -> Bool {
        isr.count >= minInsyncReplicas
    }

    /// Kafka's check of a request's current leader epoch (KIP-320): -1 skips it, an older epoch is
    /// fenced, a newer one unknown (we have not heard of it yet).
    public func checkLeaderEpoch(_ requested: Int32) -> ReplicaStateError? {
        if requested < 0 { return nil }
        if requested < leaderEpoch { return .fencedLeaderEpoch(requested: requested, current: leaderEpoch) }
        if requested > leaderEpoch { return .unknownLeaderEpoch(requested: requested, current: leaderEpoch) }
        return nil
    }
}
