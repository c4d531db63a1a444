/// Why a producer's batch is refused; mapped to Kafka error codes by the broker.
public enum ProducerStateError: Error, Sendable, Hashable {
    /// The batch's epoch is older than the producer's current one (INVALID_PRODUCER_EPOCH).
    case invalidProducerEpoch(producerId: Int64, epoch: Int16, current: Int16)
    /// The batch does not follow the last sequence written (OUT_OF_ORDER_SEQUENCE_NUMBER).
    case outOfOrderSequence(producerId: Int64, expected: Int32, received: Int32)
}
