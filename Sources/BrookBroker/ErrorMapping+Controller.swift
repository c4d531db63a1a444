import BrookCluster
import BrookProtocol

extension ErrorMapping {
    /// The controller's refusals are named after the Kafka errors they become.
    static func code(for error: ControllerError) -> ErrorCode {
        switch error {
        case .invalidReplicationFactor: return .invalidReplicationFactor
        case .invalidReplicaAssignment: return .invalidReplicaAssignment
        case .invalidPartitions: return .invalidPartitions
        case .invalidRequest: return .invalidRequest
        case .topicAlreadyExists: return .topicAlreadyExists
        case .unknownTopicOrPartition: return .unknownTopicOrPartition
        case .staleBrokerEpoch: return .staleBrokerEpoch
        case .fencedLeaderEpoch: return .fencedLeaderEpoch
        case .invalidUpdateVersion: return .invalidUpdateVersion
        case .ineligibleReplica: return .ineligibleReplica
        case .newLeaderElected: return .newLeaderElected
        case .electionNotNeeded: return .electionNotNeeded
        case .preferredLeaderNotAvailable: return .preferredLeaderNotAvailable
        case .eligibleLeadersNotAvailable: return .eligibleLeadersNotAvailable
        case .brokerNotAvailable: return .brokerNotAvailable
        case .noReassignmentInProgress: return .noReassignmentInProgress
        }
    }

    /// The message a controller refusal carries, when it has one of its own.
    static func message(for error: ControllerError) -> String? {
        switch error {
        case .invalidReplicationFactor(let message), .invalidReplicaAssignment(let message), .invalidPartitions(let message),
             .invalidRequest(let message), .topicAlreadyExists(let message):
            return message
        default:
            return nil
        }
    }
}
