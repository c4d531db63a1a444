/// The partition and broker records in etcd are the controller's own types, so one value is what the
/// controller decides, what is stored and what the watch reports: `/partitions/<topic>/<index>` holds a
/// `PartitionLeadershipState`, `/brokers/<id>` a `BrokerRegistration` (JSON keys as in cluster-design.md).
extension PartitionLeadershipState {
    /// A new partition's state: the preferred replica leads, every replica is in sync, epochs 0
    /// (what Kafka's controller writes for a partition whose replicas are all alive).
    public static func initial(replicas: [Int32]) -> PartitionLeadershipState {
        PartitionLeadershipState(leader: replicas.first ?? noLeader, leaderEpoch: 0, isr: replicas, partitionEpoch: 0)
    }
}

/// `/controller`: the elected controller and the `controller_epoch` it claimed, under its lease.
public struct EtcdControllerClaim: Codable, Sendable, Hashable {
    public var brokerId: Int32
    public var epoch: Int64

    public init(brokerId: Int32, epoch: Int64) {
        self.brokerId = brokerId
        self.epoch = epoch
    }
}
