import BrookProtocol

/// Where a transactional producer (`transactional.id`) stands, and which partitions its open
/// transaction holds on the coordinator. A pure value kept under the producer's lock; the producer
/// performs the requests and folds their outcomes in.
///
/// As in Kafka's producer, an error the transaction cannot survive but the producer can (a failed
/// send, a refused AddPartitionsToTxn) is *abortable*: only `abortTransaction` is allowed next.
/// Fencing by a newer producer with the same id is *fatal*: everything fails from then on.
struct TransactionState {
    enum Phase: Equatable {
        case uninitialized
        case ready
        case inTransaction
        case committing
        case aborting
        case abortableError
        case fatalError
    }

    private(set) var phase: Phase = .uninitialized
    /// The error behind `abortableError` / `fatalError`.
    private(set) var error: KafkaClientError?
    /// Partitions the coordinator has in the open transaction.
    private(set) var added: Set<TopicPartition> = []
    /// Partitions with records waiting for AddPartitionsToTxn.
    private(set) var pending: Set<TopicPartition> = []
    /// An AddPartitionsToTxn is on its way.
    private(set) var isAdding = false
    /// The coordinator knows of the transaction (partitions or offsets were added): ending it needs EndTxn.
    private(set) var startedOnCoordinator = false
    /// AddPartitionsToTxn answers of CONCURRENT_TRANSACTIONS in a row (the previous transaction's
    /// markers are still being written), for the retry pause.
    private(set) var concurrentRetries = 0

    /// InitProducerId succeeded (again).
    mutating func initialized() throws {
        guard phase == .uninitialized || phase == .ready else { throw stateError("initTransactions") }
        phase = .ready
    }

    mutating func begin() throws {
        guard phase == .ready else { throw stateError("beginTransaction") }
        phase = .inTransaction
        added = []
        pending = []
        startedOnCoordinator = false
    }

    /// Whether records may be accepted now; the error to throw otherwise.
    func acceptError() -> KafkaClientError? {
        switch phase {
        case .inTransaction: return nil
        case .abortableError, .fatalError: return error ?? stateError("send")
        default: return stateError("send")
        }
    }

    /// Whether a batch of `partition` may be sent; notes it for AddPartitionsToTxn when not yet added.
    mutating func canSend(_ partition: TopicPartition) -> Bool {
        guard phase == .inTransaction || phase == .committing || phase == .aborting else { return false }
        if added.contains(partition) { return true }
        if phase == .inTransaction || phase == .committing { pending.insert(partition) }
        return false
    }

    /// The partitions to add now, when some wait and no AddPartitionsToTxn is on its way.
    mutating func takePartitionsToAdd() -> [TopicPartition] {
        guard !isAdding, !pending.isEmpty, phase == .inTransaction || phase == .committing else { return [] }
        isAdding = true
        return pending.sorted()
    }

    /// The coordinator answered AddPartitionsToTxn: `succeeded` are in the transaction.
    mutating func addFinished(succeeded: [TopicPartition]) {
        isAdding = false
        if !succeeded.isEmpty { concurrentRetries = 0 }
        added.formUnion(succeeded)
        pending.subtract(succeeded)
        if !succeeded.isEmpty { startedOnCoordinator = true }
    }

    /// How long to wait before asking again after CONCURRENT_TRANSACTIONS: the markers of the
    /// transaction just committed usually land within a few milliseconds, so the pause starts at
    /// 1 ms and doubles up to the 20 ms Kafka's Java client uses for every such retry.
    mutating func concurrentTransactionsPause() -> Duration {
        concurrentRetries += 1
        return .milliseconds(min(20, 1 << min(concurrentRetries - 1, 5)))
    }

    /// AddOffsetsToTxn succeeded.
    mutating func offsetsAdded() {
        startedOnCoordinator = true
    }

    /// Starts ending the transaction; throws when it cannot be committed (or aborted) now.
    mutating func beginEnd(commit: Bool) throws {
        switch (phase, commit) {
        case (.inTransaction, _), (.committing, true), (.aborting, false):
            phase = commit ? .committing : .aborting
        case (.abortableError, false):
            phase = .aborting
        case (.abortableError, true), (.fatalError, _):
            throw error ?? stateError("commitTransaction")
        default:
            throw stateError(commit ? "commitTransaction" : "abortTransaction")
        }
    }

    /// EndTxn succeeded (or was not needed): a new transaction may begin.
    mutating func ended() {
        phase = .ready
        error = nil
        added = []
        pending = []
        isAdding = false
        startedOnCoordinator = false
    }

    /// Folds in a failure inside the transaction: fatal for fencing, abortable otherwise.
    mutating func failed(_ error: KafkaClientError) {
        if phase == .fatalError { return }
        if Self.isFatal(error) {
            phase = .fatalError
            self.error = error
        } else if phase == .inTransaction || phase == .committing {
            phase = .abortableError
            self.error = error
        }
        isAdding = false
    }

    /// A newer producer took over the transactional id, or the id may not be used.
    static func isFatal(_ error: KafkaClientError) -> Bool {
        switch error.errorCode {
        case .producerFenced, .invalidProducerEpoch, .transactionalIdAuthorizationFailed, .invalidTxnState, .unsupportedVersion:
            return true
        default:
            return false
        }
    }

    private func stateError(_ operation: String) -> KafkaClientError {
        .invalidArgument("\(operation) is not allowed while the transactional producer is \(phase)")
    }
}
