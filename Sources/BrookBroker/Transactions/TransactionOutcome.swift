import BrookCoordination
import BrookProtocol

/// What a transaction coordinator request came to, for a handler to answer with.
enum TransactionOutcome: Sendable {
    /// Done: the transactional id's metadata after the request.
    case ok(TransactionMetadata)
    /// The coordinator refused the request.
    case refused(TransactionError)
    /// The coordinator could not take it (loading, closed, or its write failed).
    case unavailable(ErrorCode)

    /// The error code to answer with (`.none` when done); see `TransactionError.errorCode`.
    func errorCode(version: Int16, fencedSince: Int16) -> ErrorCode {
        switch self {
        case .ok: return .none
        case .refused(let error): return error.errorCode(version: version, fencedSince: fencedSince)
        case .unavailable(let code): return code
        }
    }
}
