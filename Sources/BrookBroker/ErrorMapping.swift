import BrookCluster
import BrookProtocol
import BrookRecords
import BrookStorage

/// The one place where internal errors become Kafka error codes.
enum ErrorMapping {
    static func code(for error: Error) -> ErrorCode {
        switch error {
        case let e as ErrorCode: return e
        case let e as RecordValidationError: return ErrorCode(rawValue: e.kafkaErrorCode) ?? .corruptMessage
        case let e as StorageError:
            switch e {
            case .offsetOutOfRange: return .offsetOutOfRange
            case .batchTooLargeForSegment: return .recordListTooLarge
            default: return .kafkaStorageError
            }
        case let e as TopicCreationError: return e.errorCode
        case let e as ReplicaStateError: return code(for: e)
        case let e as ControllerError: return code(for: e)
        default: return .unknownServerError
        }
    }

    /// Replica state refusals are named after the Kafka errors they become.
    static func code(for error: ReplicaStateError) -> ErrorCode {
        switch error {
        case .fencedLeaderEpoch: return .fencedLeaderEpoch
        case .unknownLeaderEpoch: return .unknownLeaderEpoch
        case .notLeaderOrFollower: return .notLeaderOrFollower
        case .offsetOutOfRange: return .offsetOutOfRange
        // Kafka answers a LeaderAndIsr older than the partition's epoch with STALE_CONTROLLER_EPOCH.
        case .staleLeaderEpoch: return .staleControllerEpoch
        }
    }
}
