import BrookProtocol

extension ErrorCode {
    /// Kafka's retriable errors (the ones whose Java exception extends RetriableException): the
    /// same request may succeed after a metadata refresh or a short wait.
    public var isRetriable: Bool {
        switch self {
        case .corruptMessage, .unknownTopicOrPartition, .leaderNotAvailable, .notLeaderOrFollower,
            .requestTimedOut, .networkException, .coordinatorLoadInProgress, .coordinatorNotAvailable,
            .notCoordinator, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .kafkaStorageError,
            .fetchSessionIdNotFound, .invalidFetchSessionEpoch, .fencedLeaderEpoch, .unknownLeaderEpoch,
            .offsetNotAvailable, .preferredLeaderNotAvailable, .unstableOffsetCommit,
            .throttlingQuotaExceeded, .concurrentTransactions, .replicaNotAvailable, .brokerNotAvailable,
            .notController:
            return true
        default:
            return false
        }
    }

    /// Whether the error means our view of partition leadership is stale.
    var invalidatesMetadata: Bool {
        switch self {
        case .unknownTopicOrPartition, .leaderNotAvailable, .notLeaderOrFollower, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .kafkaStorageError, .replicaNotAvailable, .brokerNotAvailable:
            return true
        default:
            return false
        }
    }

    /// Whether the error means the group coordinator moved or is not ready.
    var invalidatesCoordinator: Bool {
        self == .notCoordinator || self == .coordinatorNotAvailable
    }

    /// Kafka's name for the code, as the Java client's `Errors` enum spells it (UNKNOWN_TOPIC_OR_PARTITION).
    public var kafkaName: String {
        let name = String(describing: self)
        var out = ""
        for character in name {
            if character.isUppercase, !out.isEmpty { out.append("_") }
            out.append(contentsOf: character.uppercased())
        }
        return out
    }
}
