import BrookCluster
import BrookProtocol

/// Kafka's error codes and messages for the controller's refusals of reassignment requests.
enum ReassignmentErrors {
    static func adminError(_ error: ControllerError) -> AdminError {
        let code = ErrorMapping.code(for: error)
        switch error {
        case .unknownTopicOrPartition: return AdminError(code, "This server does not host this topic-partition.")
        case .noReassignmentInProgress: return AdminError(code, "No ongoing reassignment for this partition.")
        default: return AdminError(code, ErrorMapping.message(for: error))
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
