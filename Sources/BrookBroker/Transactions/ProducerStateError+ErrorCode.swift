import BrookProtocol
import BrookStorage

extension ProducerStateError {
    /// The Kafka error a producer gets for this refusal.
    var errorCode: ErrorCode {
        switch self {
        case .invalidProducerEpoch: return .invalidProducerEpoch
        case .outOfOrderSequence: return .outOfOrderSequenceNumber
        }
    }
}
