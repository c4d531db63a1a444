import BrookCoordination
import BrookProtocol
import BrookRecords
import Logging
import NIOCore

/// Runs one `TransactionCoordinatorShard` on the event loop that owns its `__transaction_state`
/// partition. The shard value is touched only on that loop. The runner performs the shard's effects:
/// durable writes of state records and tombstones (answering the client only once on disk), and
/// transaction markers, retried until every partition has its marker. The runner exists from
/// start-up; it serves while this broker leads its partition (`load(from:leaderEpoch:)`, `resign()`;
/// see `CoordinatorShardLifecycle`), each term from a fresh shard replayed from the log whose
/// coordinator epoch is the partition's leader epoch (as Kafka's).
final class TransactionShardRunner: @unchecked Sendable {
    /// Writes a transaction's markers to all its partitions; completes when all are durable.
    typealias MarkerWriter = @Sendable (TransactionMarkers) -> EventLoopFuture<Void>

    let eventLoop: EventLoop
    let logger: Logger
    let clock: @Sendable () -> Int64
    let writeMarkers: MarkerWriter
    let maxTimeoutMs: Int64
    /// Delay before writing markers again after a failure.
    static let markerRetryDelay = TimeAmount.milliseconds(500)

    // Loop-confined state.
    /// Set by `load(from:)` for the term being loaded or served; nil otherwise.
    var partition: Partition?
    var shard: TransactionCoordinatorShard
    var lifecycle = CoordinatorShardLifecycle()
    /// The current term's replay: a repeated election waits for it too.
    var termLoaded: EventLoopFuture<Void>?
    /// This term's writes not yet durable, failed NOT_COORDINATOR when the term ends (see
    /// `GroupShardRunner.inFlightWrites`).
    private var inFlightWrites: [UInt64: EventLoopPromise<Void>] = [:]
    private var nextWrite: UInt64 = 0

    /// `eventLoop` must be the loop that will own the partition (`TopicRegistry.loop(for:)`).
    init(eventLoop: EventLoop, maxTimeoutMs: Int64, logger: Logger, clock: @escaping @Sendable () -> Int64,
         writeMarkers: @escaping MarkerWriter) {
        self.eventLoop = eventLoop
        self.maxTimeoutMs = maxTimeoutMs
        self.shard = TransactionCoordinatorShard(maxTimeoutMs: maxTimeoutMs)
        self.logger = logger
        self.clock = clock
        self.writeMarkers = writeMarkers
    }

    var unavailableError: ErrorCode? { lifecycle.unavailableError }

    // MARK: Requests

    /// Runs a client event; answers once any write it asked for is durable.
    func run(_ body: @escaping @Sendable (inout TransactionCoordinatorShard, Int64) throws -> TransactionDecision)
        -> EventLoopFuture<TransactionOutcome> {
        eventLoop.flatSubmit {
            if let error = self.unavailableError { return self.eventLoop.makeSucceededFuture(.unavailable(error)) }
            let decision: TransactionDecision
            do {
                decision = try body(&self.shard, self.clock())
            } catch {
                self.logger.error("transaction coordinator request failed", metadata: ["error": "\(error)"])
                return self.eventLoop.makeSucceededFuture(.unavailable(.coordinatorNotAvailable))
            }
            switch decision {
            case .fail(let error): return self.eventLoop.makeSucceededFuture(.refused(error))
            case .done(let m): return self.eventLoop.makeSucceededFuture(.ok(m))
            case .persist(let target): return self.persist(target).map { $0 ? .ok(target) : .unavailable(self.writeFailedError) }
            case .persistThenFail(let target, let error):
                return self.persist(target).map { $0 ? .refused(error) : .unavailable(self.writeFailedError) }
            }
        }
    }

    /// Reads the shard without changing it.
    func read<T: Sendable>(unavailable: @escaping @Sendable (ErrorCode) -> T,
                           _ body: @escaping @Sendable (TransactionCoordinatorShard, Int64) -> T) -> EventLoopFuture<T> {
        eventLoop.submit {
            if let error = self.unavailableError { return unavailable(error) }
            return body(self.shard, self.clock())
        }
    }

    /// As `read`, for answers about every shard this broker coordinates (ListGroups,
    /// ListTransactions): a shard whose partition another broker leads contributes `notLeading`
    /// instead of an error, as Kafka lists only the partitions it leads.
    func readIfLeading<T: Sendable>(notLeading: @escaping @Sendable () -> T, unavailable: @escaping @Sendable (ErrorCode) -> T,
                                    _ body: @escaping @Sendable (TransactionCoordinatorShard, Int64) -> T) -> EventLoopFuture<T> {
        eventLoop.submit {
            if self.lifecycle.status == .resigned { return notLeading() }
            if let error = self.unavailableError { return unavailable(error) }
            return body(self.shard, self.clock())
        }
    }

    /// What a client gets when its write failed: NOT_COORDINATOR once the term ended (the client
    /// finds the new coordinator), COORDINATOR_NOT_AVAILABLE otherwise (retriable here).
    private var writeFailedError: ErrorCode {
        lifecycle.unavailableError ?? .coordinatorNotAvailable
    }

    // MARK: Effects

    /// Performs effects in order (each runs on its own; their completions feed the shard).
    func perform(_ effects: [TransactionEffect]) {
        eventLoop.preconditionInEventLoop()
        for effect in effects {
            switch effect {
            case .persist(let target):
                persist(target).whenComplete { _ in }
            case .delete(let transactionalId):
                write(key: TransactionLogRecord.encodeKey(transactionalId: transactionalId), value: nil)
                    .whenComplete { _ in }
            case .writeMarkers(let markers):
                sendMarkers(markers)
            }
        }
    }

    /// Writes `target`, tells the shard, performs what follows; the future says whether the write succeeded.
    private func persist(_ target: TransactionMetadata) -> EventLoopFuture<Bool> {
        let id = target.transactionalId
        let generation = lifecycle.generation
        return write(key: TransactionLogRecord.encodeKey(transactionalId: id),
                     value: TransactionLogRecord.encodeValue(target))
            .map { true }.recover { _ in false }
            .map { succeeded in
                // The term ended (its writes failed): the next term's shard never heard of this one.
                guard self.lifecycle.isCurrent(generation) else { return false }
                self.perform(self.shard.writeCompleted(transactionalId: id, succeeded: succeeded, now: self.clock()))
                return succeeded
            }
    }

    private func sendMarkers(_ markers: TransactionMarkers) {
        // Marker work belongs to its term: a new term resumes it from the replayed state.
        let generation = lifecycle.generation
        writeMarkers(markers).hop(to: eventLoop).whenComplete { outcome in
            guard self.lifecycle.isActive, self.lifecycle.isCurrent(generation) else { return }
            switch outcome {
            case .success:
                self.perform(self.shard.markersWritten(transactionalId: markers.transactionalId, now: self.clock()))
            case .failure(let error):
                self.logger.warning("transaction markers failed; retrying", metadata: [
                    "brook.transactional_id": "\(markers.transactionalId)", "error": "\(error)"])
                self.eventLoop.scheduleTask(in: Self.markerRetryDelay) {
                    if self.lifecycle.isActive, self.lifecycle.isCurrent(generation) { self.sendMarkers(markers) }
                }
            }
        }
    }

    /// Writes one record as an uncompressed batch and waits until acks=all holds; a term that ends
    /// first fails it NOT_COORDINATOR at once.
    private func write(key: ByteBuffer, value: ByteBuffer?) -> EventLoopFuture<Void> {
        guard let partition else { return eventLoop.makeFailedFuture(ErrorCode.coordinatorNotAvailable) }
        nextWrite &+= 1
        let id = nextWrite
        let promise = eventLoop.makePromise(of: Void.self)
        inFlightWrites[id] = promise
        partition.appendInternalRecords([(key, value)], timestamp: clock(), writer: "transaction coordinator")
            .hop(to: eventLoop).whenComplete { result in
                self.inFlightWrites.removeValue(forKey: id)?.completeWith(result)
            }
        return promise.futureResult
    }

    // MARK: Timers

    /// `transaction.timeout.ms` and `transactional.id.expiration.ms`, run by the coordinator's timers.
    func abortTimedOut() {
        eventLoop.execute {
            guard self.lifecycle.isActive else { return }
            self.perform(self.shard.abortTimedOutTransactions(now: self.clock()))
        }
    }

    func expireTransactionalIds(expirationMs: Int64) {
        eventLoop.execute {
            guard self.lifecycle.isActive else { return }
            self.perform(self.shard.expireTransactionalIds(now: self.clock(), expirationMs: expirationMs))
        }
    }

    // MARK: End of a term, shutdown

    /// Another broker coordinates the partition now (or none does): refuses requests
    /// (NOT_COORDINATOR), stops marker work, fails unfinished writes and forgets the term's state
    /// (Kafka's removeTransactionsForTxnTopicPartition).
    func resign() -> EventLoopFuture<Void> {
        eventLoop.submit {
            if self.lifecycle.resigned() { self.endTerm() }
        }
    }

    /// As `resign`, for good; idempotent.
    func close() -> EventLoopFuture<Void> {
        eventLoop.submit {
            if self.lifecycle.close() { self.endTerm() }
        }
    }

    /// Drops the term's state; the lifecycle has already moved on, so nothing of it runs again.
    func endTerm() {
        eventLoop.preconditionInEventLoop()
        let writes = inFlightWrites.values
        inFlightWrites.removeAll()
        for promise in writes { promise.fail(ErrorCode.notCoordinator) }
        shard = TransactionCoordinatorShard(maxTimeoutMs: maxTimeoutMs)
        partition = nil
        termLoaded = nil
    }
}
