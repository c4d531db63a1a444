import BrookStorage
import NIOCore

/// The group and transaction coordinators follow the leaders of their internal partitions, as
/// Kafka's do (GroupCoordinator.onElection/onResignation, TransactionStateManager's load and
/// remove for a `__transaction_state` partition): a shard loads when this broker becomes leader of
/// its partition, reloads at a new leader epoch, and resigns when the partition is led elsewhere,
/// has no leader, leaves this broker or is fenced.
extension Broker {
    /// This broker leads `tp` at `leaderEpoch` from now on, or (nil) no longer leads it. Call after
    /// the partition took its role (`BrokerReplicaRoles`): the shard then follows the partition's own
    /// leadership, so an announcement the partition refused as stale changes nothing, and the leader
    /// epoch the shard serves (its transaction coordinator epoch) is the partition's. Calls for one
    /// partition apply in the order made. Does nothing for other topics, or before the internal topic
    /// is open (its shards then follow the partitions' roles as it opens). The future completes once
    /// the shard replayed (or resigned); nobody needs to wait for it.
    @discardableResult
    public func coordinatorRoleChanged(_ tp: TopicPartition, leaderEpoch _: Int32?) -> EventLoopFuture<Void>? {
        let shard: (any CoordinatorShard)?
        switch tp.topic {
        case OffsetsTopic.name:
            shard = groups.runners.indices.contains(Int(tp.partition)) ? groups.runners[Int(tp.partition)] : nil
        case TransactionStateTopic.name:
            shard = transactions.runners.indices.contains(Int(tp.partition)) ? transactions.runners[Int(tp.partition)] : nil
        default:
            return nil
        }
        guard let shard, let partition = topics.topic(named: tp.topic)?.partition(tp.partition) else { return nil }
        return shard.follow(partition)
    }
}
