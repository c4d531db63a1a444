import BrookCluster
import BrookProtocol

/// Kafka's error codes and messages for the controller's refusals of reassignment requests.
enum ReassignmentErrors {
    static func adminError(_ error: ControllerError) -> AdminError {
        switch error {
        case .invalidReplicaAssignment(let message): return AdminError(.invalidReplicaAssignment, message)
        case .invalidReplicationFactor(let message): return AdminError(.invalidReplicationFactor, message)
        case .invalidPartitions(let message): return AdminError(.invalidPartitions, message)
        case .invalidRequest(let message): return AdminError(.invalidRequest, message)
        case .topicAlreadyExists(let message): return AdminError(.topicAlreadyExists, message)
        case .unknownTopicOrPartition:
            return AdminError(.unknownTopicOrPartition, "This server does not host this topic-partition.")
        case .noReassignmentInProgress:
            return AdminError(.noReassignmentInProgress, "No ongoing reassignment for this partition.")
        case .brokerNotAvailable(let id): return AdminError(.brokerNotAvailable, "Broker \(id) is not available.")
        case .staleBrokerEpoch: return AdminError(.staleBrokerEpoch)
        case .fencedLeaderEpoch: return AdminError(.fencedLeaderEpoch)
        case .invalidUpdateVersion: return AdminError(.invalidUpdateVersion)
        case .ineligibleReplica(let id): return AdminError(.ineligibleReplica, "Broker \(id) is not eligible.")
        case .newLeaderElected: return AdminError(.newLeaderElected)
        case .electionNotNeeded: return AdminError(.electionNotNeeded)
        case .preferredLeaderNotAvailable: return AdminError(.preferredLeaderNotAvailable)
        case .eligibleLeadersNotAvailable: return AdminError(.eligibleLeadersNotAvailable)
        }
    }

    /// A failure of the whole request: NOT_CONTROLLER on a broker that is not the controller (clients
    /// find it in Metadata's controller id and retry there), else the error's mapping.
    static func requestError(_ error: any Error) -> AdminError {
        switch error {
        case ClusterMemberError.notController, ClusterMemberError.notStarted:
            return AdminError(.notController, "This broker is not the controller.")
        case ClusterMemberError.refused(let refusal):
            return adminError(refusal)
        default:
            return AdminError(ErrorMapping.code(for: error), "\(error)")
        }
    }
}
