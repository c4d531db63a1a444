/// Who leads a partition and who holds it, as Metadata and DescribeTopicPartitions report it.
public struct PartitionRouting: Sendable, Hashable {
    /// The leader's node id; -1 while there is none.
    public var leader: Int32
    public var leaderEpoch: Int32
    /// Every assigned replica, the preferred leader first.
    public var replicas: [Int32]
    /// The in-sync replicas (the leader among them).
    public var isr: [Int32]
    /// Assigned replicas whose broker is not live.
    public var offlineReplicas: [Int32]

    public init(leader: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32], offlineReplicas: [Int32] = []) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.offlineReplicas = offlineReplicas
    }

    /// A partition this node alone holds: leader at epoch 0, the only replica, in sync.
    public static func soleReplica(_ nodeId: Int32) -> PartitionRouting {
        PartitionRouting(leader: nodeId, leaderEpoch: 0, replicas: [nodeId], isr: [nodeId])
    }
}
