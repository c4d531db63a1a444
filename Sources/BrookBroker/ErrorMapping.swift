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
        default: return .unknownServerError
        }
    }
}
