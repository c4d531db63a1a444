/// What the coordinator's runner must do after an event.
public enum TransactionEffect: Sendable, Hashable {
    /// Write this metadata to `__transaction_state`, then call `writeCompleted(transactionalId:succeeded:now:)`.
    case persist(TransactionMetadata)
    /// Write a tombstone for the transactional id (it expired); no completion call.
    case delete(transactionalId: String)
    /// Write commit/abort markers to every partition, then call `markersWritten(transactionalId:now:)`.
    case writeMarkers(TransactionMarkers)
}

/// One transaction's markers: a control batch per partition from this producer id and epoch.
public struct TransactionMarkers: Sendable, Hashable {
    public var transactionalId: String
    public var producerId: Int64
    public var producerEpoch: Int16
    public var commit: Bool
    public var partitions: [TransactionPartition]
    public var coordinatorEpoch: Int32

    public init(transactionalId: String, producerId: Int64, producerEpoch: Int16, commit: Bool,
                partitions: [TransactionPartition], coordinatorEpoch: Int32) {
        self.transactionalId = transactionalId
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.commit = commit
        self.partitions = partitions
        self.coordinatorEpoch = coordinatorEpoch
    }
}

/// The answer to a client request once its effects (if any) are done.
public enum TransactionDecision: Sendable, Hashable {
    /// Refuse with this error; nothing to write.
    case fail(TransactionError)
    /// Succeed now with the current metadata; nothing to write.
    case done(TransactionMetadata)
    /// Persist this target first; answer after `writeCompleted` (success: the target; failure: the error).
    case persist(TransactionMetadata)
    /// Persist this target (a fence of the open transaction), then refuse with the error so the client retries.
    case persistThenFail(TransactionMetadata, TransactionError)
}
