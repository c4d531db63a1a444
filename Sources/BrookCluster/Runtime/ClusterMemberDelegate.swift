import BrookStorage

/// What a broker is told about its replicas by its `ClusterMember`, in the order the cluster's
/// records changed. Calls come one at a time; an implementation must not call back into the member
/// and wait for it.
public protocol ClusterMemberDelegate: AnyObject, Sendable {
    /// This node leads `partition` from `leaderEpoch` on: accept writes, track followers in `isr`.
    func becomeLeader(_ partition: TopicPartition, leaderEpoch: Int32, isr: [Int32], replicas: [Int32],
                      partitionEpoch: Int32) async
    /// This node follows `leader` (-1 and nil endpoint: the partition has no leader now) at `leaderEpoch`:
    /// stop accepting writes, fetch from the leader.
    func becomeFollower(_ partition: TopicPartition, leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32) async
    /// The ISR of a partition this node leads changed (same leader epoch).
    func isrChanged(_ partition: TopicPartition, isr: [Int32], partitionEpoch: Int32) async
    /// This node no longer holds a replica of `partition` (reassigned away, or the topic was deleted).
    func stopReplica(_ partition: TopicPartition) async
    /// The lease is lost: the cluster may already have elected other leaders, so every leadership
    /// this node holds must stop accepting writes now. Roles are announced again after the member
    /// registers anew.
    func fenceLeaderships() async
    /// The routing view (brokers, controller, partition leaders) changed.
    func clusterViewChanged(_ view: ClusterView) async
}
