import BrookCluster
import BrookStorage

/// What the AlterPartitionReassignments and ListPartitionReassignments handlers ask of the cluster:
/// the controller's decisions (KIP-455). A cluster broker's `ClusterMember` provides it; a single
/// node has none and answers those APIs itself as a one-broker Kafka cluster would.
public protocol PartitionReassignments: Sendable {
    /// Starts, replaces or cancels (nil target) each partition's reassignment, answering each in
    /// order. Throws `ClusterMemberError.notController` on a broker that is not the controller.
    func alterPartitionReassignments(_ requests: [ReassignmentRequest]) async throws -> [Result<Void, ControllerError>]
    /// The reassignments in flight among `partitions` (nil: all).
    func partitionReassignments(_ partitions: [TopicPartition]?) async throws -> [OngoingReassignment]
}

extension ClusterMember: PartitionReassignments {}

extension Broker {
    /// The cluster's reassignments; nil on a single node.
    public var reassignments: (any PartitionReassignments)? { reassignmentsSlot.withLockedValue { $0 } }

    /// Set by `ClusterBroker.start` once the member exists.
    public func setReassignments(_ reassignments: any PartitionReassignments) {
        reassignmentsSlot.withLockedValue { $0 = reassignments }
    }
}
