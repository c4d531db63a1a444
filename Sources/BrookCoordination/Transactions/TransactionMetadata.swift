/// Everything the coordinator knows about one transactional id: what `__transaction_state` stores.
public struct TransactionMetadata: Sendable, Hashable {
    public var transactionalId: String
    public var producerId: Int64
    /// The producer id before the last one, when the epoch ran out and a new id was taken (-1 if none).
    public var lastProducerId: Int64 = -1
    public var producerEpoch: Int16
    /// The epoch before the last bump, -1 if none.
    public var lastProducerEpoch: Int16 = -1
    public var timeoutMs: Int32
    public var state: TransactionState
    public var partitions: Set<TransactionPartition> = []
    /// When the open transaction started (first partition added), -1 when none is open.
    public var startTimestamp: Int64 = -1
    public var lastUpdateTimestamp: Int64

    public init(transactionalId: String, producerId: Int64, producerEpoch: Int16, timeoutMs: Int32,
                state: TransactionState, lastUpdateTimestamp: Int64) {
        self.transactionalId = transactionalId
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.timeoutMs = timeoutMs
        self.state = state
        self.lastUpdateTimestamp = lastUpdateTimestamp
    }

    /// Kafka retires a producer id once its epoch reaches Int16.max - 1.
    var isEpochExhausted: Bool { producerEpoch >= Int16.max - 1 }
}

/// Why the coordinator refuses a request; each maps to one Kafka error code.
public enum TransactionError: Error, Sendable, Hashable {
    /// CONCURRENT_TRANSACTIONS: a previous transaction is still completing; retry.
    case concurrentTransactions
    /// INVALID_TXN_STATE: the request does not fit the transaction's state.
    case invalidTxnState
    /// INVALID_PRODUCER_ID_MAPPING: unknown transactional id, or another producer id.
    case invalidProducerIdMapping
    /// PRODUCER_FENCED: a newer producer with the same transactional id exists.
    case producerFenced
    /// INVALID_PRODUCER_EPOCH: the epoch is not the current one (non-fatal variant).
    case invalidProducerEpoch
    /// INVALID_TRANSACTION_TIMEOUT: above `transaction.max.timeout.ms` or not positive.
    case invalidTransactionTimeout
    /// TRANSACTIONAL_ID_NOT_FOUND (describe).
    case transactionalIdNotFound
    /// COORDINATOR_NOT_AVAILABLE: the state could not be persisted.
    case coordinatorNotAvailable
}
