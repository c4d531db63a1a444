import BrookCluster
import BrookStorage

/// What admin handlers ask of the cluster a broker takes part in, for requests only the controller
/// decides. `ClusterBroker.start` sets it (its `ClusterMember`); a single node has none.
public protocol ClusterAdmin: Sendable {
    /// ElectLeaders for `partitions` (nil: every partition), answered once this broker's view shows
    /// the new leaders or `timeout` passed; throws `ClusterMemberError.notController` when this
    /// broker is not the controller.
    func electLeaders(_ type: ElectionType, partitions: [TopicPartition]?, timeout: Duration) async throws
        -> [TopicPartition: LeaderElectionOutcome]
}

extension ClusterMember: ClusterAdmin {}

extension Broker {
    /// The cluster this broker takes part in (nil on a single node).
    public var clusterAdmin: (any ClusterAdmin)? {
        get { clusterAdminSlot.withLockedValue { $0 } }
        set { clusterAdminSlot.withLockedValue { $0 = newValue } }
    }
}
