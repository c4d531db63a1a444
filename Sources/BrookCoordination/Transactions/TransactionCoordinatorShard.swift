/// The transaction coordinator's state for the transactional ids of one `__transaction_state`
/// partition, as a sans-IO state machine. Client events return a `TransactionDecision`; a decision to
/// persist marks the id as having a write in flight (other requests get CONCURRENT_TRANSACTIONS) until
/// the runner reports `writeCompleted`, which may ask for markers or a further write.
public struct TransactionCoordinatorShard: Sendable {
    public private(set) var transactions: [String: TransactionMetadata] = [:]
    /// Targets whose write to the log is in flight.
    public private(set) var pending: [String: TransactionMetadata] = [:]
    /// Stamped on markers so partitions can discard ones from an older coordinator.
    public let coordinatorEpoch: Int32
    /// `transaction.max.timeout.ms`.
    public let maxTimeoutMs: Int64

    public init(coordinatorEpoch: Int32 = 0, maxTimeoutMs: Int64 = 900_000) {
        self.coordinatorEpoch = coordinatorEpoch
        self.maxTimeoutMs = maxTimeoutMs
    }

    // MARK: Loading

    /// Applies one record read back from `__transaction_state` (nil metadata: a tombstone).
    public mutating func replay(transactionalId: String, _ metadata: TransactionMetadata?) {
        transactions[transactionalId] = metadata
    }

    /// After loading: the work a previous coordinator left unfinished (markers of prepared transactions).
    public func unfinishedWork() -> [TransactionEffect] {
        transactions.values.sorted { $0.transactionalId < $1.transactionalId }.compactMap { m in
            switch m.state {
            case .prepareCommit, .prepareAbort: return .writeMarkers(markers(for: m))
            default: return nil
            }
        }
    }

    /// After loading: fences interrupted between their PrepareEpochFence and PrepareAbort writes
    /// continue with the abort.
    public mutating func resumeEpochFences(now: Int64) -> [TransactionEffect] {
        transactions.values.sorted { $0.transactionalId < $1.transactionalId }.compactMap { m in
            guard m.state == .prepareEpochFence, pending[m.transactionalId] == nil else { return nil }
            var abort = m
            abort.state = .prepareAbort
            abort.lastUpdateTimestamp = now
            pending[m.transactionalId] = abort
            return .persist(abort)
        }
    }

    // MARK: Client requests

    /// InitProducerId with a transactional id: registers it or bumps its epoch, fencing older producers.
    /// `expected` is the (producer id, epoch) a v3+ client already holds, if any.
    public mutating func initProducerId(
        transactionalId: String, timeoutMs: Int32, expected: (producerId: Int64, epoch: Int16)?, now: Int64,
        allocateProducerId: () throws -> Int64
    ) rethrows -> TransactionDecision {
        guard timeoutMs > 0, Int64(timeoutMs) <= maxTimeoutMs else { return .fail(.invalidTransactionTimeout) }
        if pending[transactionalId] != nil { return .fail(.concurrentTransactions) }
        guard let current = transactions[transactionalId] else {
            let fresh = TransactionMetadata(transactionalId: transactionalId, producerId: try allocateProducerId(),
                                            producerEpoch: 0, timeoutMs: timeoutMs, state: .empty,
                                            lastUpdateTimestamp: now)
            return begin(fresh)
        }
        if let expected {
            // A retry of a bump whose answer was lost: the epoch it bumped (kept in memory only, as in
            // Kafka), or the exhausted epoch of the id it rotated away from (stored, so it survives a reload).
            let retried = expected.producerId == current.producerId && expected.epoch == current.lastProducerEpoch
                || expected.producerId == current.lastProducerId && expected.epoch >= Int16.max - 1
                    && current.producerEpoch == 0
            if retried && current.state.isIdle { return .done(current) }
            if expected.producerId != current.producerId || expected.epoch != current.producerEpoch {
                return .fail(.producerFenced)
            }
        }
        switch current.state {
        case .prepareCommit, .prepareAbort, .prepareEpochFence, .dead:
            return .fail(.concurrentTransactions)
        case .ongoing:
            // A new producer instance: fence the old one and abort its transaction; the client retries.
            let fence = fenced(current, now: now)
            pending[transactionalId] = fence
            return .persistThenFail(fence, .concurrentTransactions)
        case .empty, .completeCommit, .completeAbort:
            var target = current
            if current.isEpochExhausted {
                target.lastProducerId = current.producerId
                target.producerId = try allocateProducerId()
                target.producerEpoch = 0
            } else {
                target.producerEpoch += 1
            }
            target.lastProducerEpoch = current.producerEpoch
            target.timeoutMs = timeoutMs
            target.state = .empty
            target.partitions = []
            target.startTimestamp = -1
            target.lastUpdateTimestamp = now
            return begin(target)
        }
    }

    /// AddPartitionsToTxn (and AddOffsetsToTxn, with the group's offsets partition).
    public mutating func addPartitions(transactionalId: String, producerId: Int64, epoch: Int16,
                                       partitions: Set<TransactionPartition>, now: Int64) -> TransactionDecision {
        let current: TransactionMetadata
        switch check(transactionalId, producerId, epoch) {
        case .failure(let error): return .fail(error)
        case .success(let m): current = m
        }
        switch current.state {
        case .prepareCommit, .prepareAbort, .prepareEpochFence:
            return .fail(.concurrentTransactions)
        case .dead:
            return .fail(.invalidTxnState)
        case .ongoing where partitions.isSubset(of: current.partitions):
            return .done(current)
        case .ongoing, .empty, .completeCommit, .completeAbort:
            var target = current
            if current.state != .ongoing {
                target.startTimestamp = now
                target.partitions = []
            }
            target.state = .ongoing
            target.partitions.formUnion(partitions)
            target.lastUpdateTimestamp = now
            return begin(target)
        }
    }

    /// KIP-890: whether a transactional append to `partition` belongs to the producer's open transaction.
    public func verify(transactionalId: String, producerId: Int64, epoch: Int16,
                       partition: TransactionPartition) -> TransactionError? {
        guard let current = transactions[transactionalId], current.producerId == producerId else {
            return .invalidProducerIdMapping
        }
        if epoch < current.producerEpoch { return .invalidProducerEpoch }
        guard current.state == .ongoing, current.partitions.contains(partition) else { return .invalidTxnState }
        return nil
    }

    /// EndTxn: starts committing or aborting; retries of a finished end are answered as done.
    public mutating func endTransaction(transactionalId: String, producerId: Int64, epoch: Int16, commit: Bool,
                                        now: Int64) -> TransactionDecision {
        let current: TransactionMetadata
        switch check(transactionalId, producerId, epoch) {
        case .failure(let error): return .fail(error)
        case .success(let m): current = m
        }
        switch current.state {
        case .ongoing:
            var target = current
            target.state = commit ? .prepareCommit : .prepareAbort
            target.lastUpdateTimestamp = now
            return begin(target)
        case .completeCommit: return commit ? .done(current) : .fail(.invalidTxnState)
        case .completeAbort: return commit ? .fail(.invalidTxnState) : .done(current)
        case .prepareCommit: return .fail(commit ? .concurrentTransactions : .invalidTxnState)
        case .prepareAbort: return .fail(commit ? .invalidTxnState : .concurrentTransactions)
        case .empty, .dead, .prepareEpochFence: return .fail(.invalidTxnState)
        }
    }

    // MARK: Runner callbacks

    /// The write of `transactionalId`'s pending target finished. On success the target becomes current
    /// and the next step, if any, is returned.
    public mutating func writeCompleted(transactionalId: String, succeeded: Bool, now: Int64) -> [TransactionEffect] {
        guard let target = pending.removeValue(forKey: transactionalId) else { return [] }
        guard succeeded else { return [] }
        transactions[transactionalId] = target
        switch target.state {
        case .prepareEpochFence:
            var abort = target
            abort.state = .prepareAbort
            abort.lastUpdateTimestamp = now
            pending[transactionalId] = abort
            return [.persist(abort)]
        case .prepareCommit, .prepareAbort:
            return [.writeMarkers(markers(for: target))]
        default:
            return []
        }
    }

    /// Every partition has its marker: the transaction completes.
    public mutating func markersWritten(transactionalId: String, now: Int64) -> [TransactionEffect] {
        guard var target = transactions[transactionalId], pending[transactionalId] == nil,
              target.state == .prepareCommit || target.state == .prepareAbort else { return [] }
        target.state = target.state == .prepareCommit ? .completeCommit : .completeAbort
        target.partitions = []
        target.startTimestamp = -1
        target.lastUpdateTimestamp = now
        pending[transactionalId] = target
        return [.persist(target)]
    }

    // MARK: Timers

    /// `transaction.timeout.ms`: fences (epoch bump) and aborts transactions open for too long.
    public mutating func abortTimedOutTransactions(now: Int64) -> [TransactionEffect] {
        var effects: [TransactionEffect] = []
        for (id, m) in transactions.sorted(by: { $0.key < $1.key })
        // Compared as `start <= now - timeout`: the start time comes from disk and may be anything.
        where m.state == .ongoing && pending[id] == nil && m.startTimestamp <= now - Int64(m.timeoutMs) {
            let target = fenced(m, now: now)
            pending[id] = target
            effects.append(.persist(target))
        }
        return effects
    }

    /// `transactional.id.expiration.ms`: forgets ids idle that long with no open transaction.
    public mutating func expireTransactionalIds(now: Int64, expirationMs: Int64) -> [TransactionEffect] {
        var effects: [TransactionEffect] = []
        for (id, m) in transactions.sorted(by: { $0.key < $1.key })
        where m.state.isIdle && pending[id] == nil && m.lastUpdateTimestamp <= now - expirationMs {
            transactions.removeValue(forKey: id)
            effects.append(.delete(transactionalId: id))
        }
        return effects
    }

    // MARK: Describe

    public func describe(transactionalId: String) -> Result<TransactionMetadata, TransactionError> {
        guard let m = transactions[transactionalId] else { return .failure(.transactionalIdNotFound) }
        return .success(m)
    }

    /// ListTransactions: ids matching every filter given (empty filters match all; `minDurationMs` < 0 none).
    public func list(states: Set<TransactionState>, producerIds: Set<Int64>, minDurationMs: Int64,
                     now: Int64) -> [TransactionMetadata] {
        transactions.values.filter { m in
            (states.isEmpty || states.contains(m.state))
                && (producerIds.isEmpty || producerIds.contains(m.producerId))
                && (minDurationMs < 0 || (m.state == .ongoing && m.startTimestamp <= now - minDurationMs))
        }.sorted { $0.transactionalId < $1.transactionalId }
    }

    // MARK: Helpers

    private mutating func begin(_ target: TransactionMetadata) -> TransactionDecision {
        pending[target.transactionalId] = target
        return .persist(target)
    }

    private func check(_ id: String, _ producerId: Int64, _ epoch: Int16) -> Result<TransactionMetadata, TransactionError> {
        guard let current = transactions[id], current.producerId == producerId else {
            return .failure(.invalidProducerIdMapping)
        }
        if current.producerEpoch != epoch { return .failure(.producerFenced) }
        if pending[id] != nil { return .failure(.concurrentTransactions) }
        return .success(current)
    }

    /// The open transaction fenced: epoch bumped (unless exhausted), to be aborted next.
    private func fenced(_ m: TransactionMetadata, now: Int64) -> TransactionMetadata {
        var target = m
        if !m.isEpochExhausted {
            target.lastProducerEpoch = m.producerEpoch
            target.producerEpoch += 1
        }
        target.state = .prepareEpochFence
        target.lastUpdateTimestamp = now
        return target
    }

    private func markers(for m: TransactionMetadata) -> TransactionMarkers {
        TransactionMarkers(transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch,
                           commit: m.state == .prepareCommit, partitions: m.partitions.sorted(),
                           coordinatorEpoch: coordinatorEpoch)
    }
}
