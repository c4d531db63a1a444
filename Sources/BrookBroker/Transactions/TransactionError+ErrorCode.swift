import BrookCoordination
import BrookProtocol

extension TransactionError {
    /// The Kafka error for this refusal. Requests older than `fencedSince` predate PRODUCER_FENCED
    /// (KIP-588) and get INVALID_PRODUCER_EPOCH instead, as Kafka answers them.
    func errorCode(version: Int16, fencedSince: Int16) -> ErrorCode {
        switch self {
        case .concurrentTransactions: return .concurrentTransactions
        case .invalidTxnState: return .invalidTxnState
        case .invalidProducerIdMapping: return .invalidProducerIdMapping
        case .producerFenced: return version >= fencedSince ? .producerFenced : .invalidProducerEpoch
        case .invalidProducerEpoch: return .invalidProducerEpoch
        case .invalidTransactionTimeout: return .invalidTransactionTimeout
        case .transactionalIdNotFound: return .transactionalIdNotFound
        case .coordinatorNotAvailable: return .coordinatorNotAvailable
        }
    }
}
