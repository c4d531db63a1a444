import BrookStorage

extension Broker {
    /// The replica of `tp` left this broker and its partition is closed already (the registry applied
    /// the reassignment before the member announced it): the coordinator shard of an internal
    /// partition resigns, as `coordinatorRoleChanged` would have it do for a partition led elsewhere.
    func coordinatorReplicaRemoved(_ tp: TopicPartition) {
        let index = Int(tp.partition)
        switch tp.topic {
        case OffsetsTopic.name where groups.runners.indices.contains(index):
            _ = groups.runners[index].resign()
        case TransactionStateTopic.name where transactions.runners.indices.contains(index):
            _ = transactions.runners[index].resign()
        default:
            break
        }
    }
}
