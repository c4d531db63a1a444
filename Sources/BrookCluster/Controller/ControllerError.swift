/// Why the controller refused a request; each case is named after the Kafka error it becomes at the
/// protocol boundary (`ErrorMapping`). Messages follow Kafka's wording where clients show them.
public enum ControllerError: Error, Sendable, Hashable {
    case invalidReplicationFactor(String)
    case invalidReplicaAssignment(String)
    case invalidPartitions(String)
    case invalidRequest(String)
    case topicAlreadyExists(String)
    case unknownTopicOrPartition
    /// AlterPartition from a broker whose registration (incarnation) is not the live one.
    case staleBrokerEpoch
    /// The request's leader epoch is not the partition's.
    case fencedLeaderEpoch
    /// The request's partition epoch is not the partition's (someone changed it since).
    case invalidUpdateVersion
    /// A proposed ISR member is not live, is shutting down, or is a stale incarnation.
    case ineligibleReplica(Int32)
    /// The ISR change was applied but leadership moved to another broker.
    case newLeaderElected
    case electionNotNeeded
    case preferredLeaderNotAvailable
    case eligibleLeadersNotAvailable
    /// The broker named by the request is not registered.
    case brokerNotAvailable(Int32)
    /// A reassignment was cancelled where none is in flight.
    case noReassignmentInProgress
}
