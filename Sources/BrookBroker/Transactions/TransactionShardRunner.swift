import BrookCoordination
import BrookProtocol
import BrookRecords
import Logging
import NIOCore

/// Runs one `TransactionCoordinatorShard` on the event loop that owns its `__transaction_state`
/// partition. The shard value is touched only on that loop. The runner performs the shard's effects:
/// durable writes of state records and tombstones (answering the client only once on disk), and
/// transaction markers, retried until every partition has its marker. The runner exists from
/// start-up; its partition arrives with `load(from:)` once the topic is open in the background.
final class TransactionShardRunner: @unchecked Sendable {
    enum Status { case loading, active, closed }

    /// Writes a transaction's markers to all its partitions; completes when all are durable.
    typealias MarkerWriter = @Sendable (TransactionMarkers) -> EventLoopFuture<Void>

    let eventLoop: EventLoop
    let logger: Logger
    let clock: @Sendable () -> Int64
    let writeMarkers: MarkerWriter
    /// Delay before writing markers again after a failure.
    static let markerRetryDelay = TimeAmount.milliseconds(500)

    // Loop-confined state.
    /// Set by `load(from:)`; nil until the topic is open (the status is `.loading` until then).
    var partition: Partition?
    var shard: TransactionCoordinatorShard
    var status = Status.loading

    /// `eventLoop` must be the loop that will own the partition (`TopicRegistry.loop(for:)`).
    init(eventLoop: EventLoop, maxTimeoutMs: Int64, logger: Logger, clock: @escaping @Sendable () -> Int64,
         writeMarkers: @escaping MarkerWriter) {
        self.eventLoop = eventLoop
        self.shard = TransactionCoordinatorShard(maxTimeoutMs: maxTimeoutMs)
        self.logger = logger
        self.clock = clock
        self.writeMarkers = writeMarkers
    }

    var unavailableError: ErrorCode? {
        switch status {
        case .loading: return .coordinatorLoadInProgress
        case .active: return nil
        case .closed: return .notCoordinator
        }
    }

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
            case .persist(let target): return self.persist(target).map { $0 ? .ok(target) : .unavailable(.coordinatorNotAvailable) }
            case .persistThenFail(let target, let error):
                return self.persist(target).map { $0 ? .refused(error) : .unavailable(.coordinatorNotAvailable) }
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
        return write(key: TransactionLogRecord.encodeKey(transactionalId: id),
                     value: TransactionLogRecord.encodeValue(target))
            .map { true }.recover { _ in false }
            .map { succeeded in
                self.perform(self.shard.writeCompleted(transactionalId: id, succeeded: succeeded, now: self.clock()))
                return succeeded
            }
    }

    private func sendMarkers(_ markers: TransactionMarkers) {
        writeMarkers(markers).hop(to: eventLoop).whenComplete { outcome in
            guard self.status == .active else { return }
            switch outcome {
            case .success:
                self.perform(self.shard.markersWritten(transactionalId: markers.transactionalId, now: self.clock()))
            case .failure(let error):
                self.logger.warning("transaction markers failed; retrying", metadata: [
                    "brook.transactional_id": "\(markers.transactionalId)", "error": "\(error)"])
                self.eventLoop.scheduleTask(in: Self.markerRetryDelay) { self.sendMarkers(markers) }
            }
        }
    }

    /// Writes one record as an uncompressed batch and waits for fsync.
    private func write(key: ByteBuffer, value: ByteBuffer?) -> EventLoopFuture<Void> {
        guard let partition else { return eventLoop.makeFailedFuture(ErrorCode.coordinatorNotAvailable) }
        return partition.appendInternalRecords([(key, value)], timestamp: clock(), writer: "transaction coordinator")
    }

    // MARK: Timers

    /// `transaction.timeout.ms` and `transactional.id.expiration.ms`, run by the coordinator's timers.
    func abortTimedOut() {
        eventLoop.execute {
            guard self.status == .active else { return }
            self.perform(self.shard.abortTimedOutTransactions(now: self.clock()))
        }
    }

    func expireTransactionalIds(expirationMs: Int64) {
        eventLoop.execute {
            guard self.status == .active else { return }
            self.perform(self.shard.expireTransactionalIds(now: self.clock(), expirationMs: expirationMs))
        }
    }

    // MARK: Shutdown

    /// Refuses further requests (NOT_COORDINATOR); idempotent.
    func close() -> EventLoopFuture<Void> {
        eventLoop.submit { self.status = .closed }
    }
}
