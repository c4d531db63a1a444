import BrookCoordination
import BrookProtocol
import BrookRecords
import Logging
import NIOCore

/// Runs one `GroupCoordinatorShard` on the event loop that owns its `__consumer_offsets` partition.
///
/// The shard value is touched only on that loop. The runner performs the shard's effects: parks
/// JoinGroup/SyncGroup promises by token, runs timers, and appends records durably (acks=all),
/// releasing the responses that follow an append only once it is on disk (in a cluster: on disk on
/// every ISR member, the partition's acks=all). The runner exists from start-up; it serves while
/// this broker leads its partition (`load(from:leaderEpoch:)`, `resign()`; see
/// `CoordinatorShardLifecycle`), each term from a fresh shard replayed from the log.
final class GroupShardRunner: @unchecked Sendable {
    let eventLoop: EventLoop
    let config: GroupCoordinatorConfig
    let logger: Logger
    let clock: @Sendable () -> Int64

    // Loop-confined state.
    /// Set by `load(from:)` for the term being loaded or served; nil otherwise.
    var partition: Partition?
    var shard: GroupCoordinatorShard
    var lifecycle = CoordinatorShardLifecycle()
    /// The current term's replay: a repeated election waits for it too.
    var termLoaded: EventLoopFuture<Void>?
    private var nextToken: UInt64 = 0
    /// This term's appends not yet durable, failed NOT_COORDINATOR when the term ends: a partition
    /// that stops leading would otherwise leave them (and the responses gated on them) waiting.
    private var inFlightWrites: [UInt64: EventLoopPromise<Void>] = [:]
    private var nextWrite: UInt64 = 0
    private var joinWaiters: [RequestToken: EventLoopPromise<JoinGroupResult>] = [:]
    private var syncWaiters: [RequestToken: EventLoopPromise<SyncGroupResult>] = [:]
    private var timers: [GroupTimer: Scheduled<Void>] = [:]
    /// Transactional offset commits written but not yet settled by a marker, by producer id.
    var pendingTxnOffsets: [Int64: [OffsetsTopicRecord]] = [:]

    /// `eventLoop` must be the loop that will own the partition (`TopicRegistry.loop(for:)`).
    init(eventLoop: EventLoop, config: GroupCoordinatorConfig, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.eventLoop = eventLoop
        self.config = config
        self.shard = GroupCoordinatorShard(config: config)
        self.logger = logger
        self.clock = clock
    }

    /// The error a request gets while the shard cannot serve it.
    var unavailableError: ErrorCode? { lifecycle.unavailableError }

    private func makeToken() -> RequestToken {
        nextToken &+= 1
        return RequestToken(nextToken)
    }

    // MARK: Requests

    func join(_ input: JoinGroupInput) -> EventLoopFuture<JoinGroupResult> {
        eventLoop.flatSubmit {
            if let error = self.unavailableError {
                return self.eventLoop.makeSucceededFuture(.failure(error, memberId: input.memberId))
            }
            let token = self.makeToken()
            let promise = self.eventLoop.makePromise(of: JoinGroupResult.self)
            self.joinWaiters[token] = promise
            self.perform(self.shard.join(input, token: token, now: self.clock()))
            return promise.futureResult
        }
    }

    func sync(_ input: SyncGroupInput) -> EventLoopFuture<SyncGroupResult> {
        eventLoop.flatSubmit {
            if let error = self.unavailableError { return self.eventLoop.makeSucceededFuture(.failure(error)) }
            let token = self.makeToken()
            let promise = self.eventLoop.makePromise(of: SyncGroupResult.self)
            self.syncWaiters[token] = promise
            self.perform(self.shard.sync(input, token: token, now: self.clock()))
            return promise.futureResult
        }
    }

    /// Runs an operation that answers directly; the answer waits for any records it wrote.
    /// `unavailable` answers while loading or closed; `failed` answers when the write fails.
    func run<T: Sendable>(unavailable: @escaping @Sendable (ErrorCode) -> T,
                          failed: @escaping @Sendable (Error) -> T,
                          _ body: @escaping @Sendable (inout GroupCoordinatorShard, Int64) -> (T, [GroupEffect])) -> EventLoopFuture<T> {
        eventLoop.flatSubmit {
            if let error = self.unavailableError { return self.eventLoop.makeSucceededFuture(unavailable(error)) }
            let (result, effects) = body(&self.shard, self.clock())
            return self.perform(effects).map { result }.recover { failed($0) }
        }
    }

    /// Reads the shard without changing it.
    func read<T: Sendable>(unavailable: @escaping @Sendable (ErrorCode) -> T,
                           _ body: @escaping @Sendable (GroupCoordinatorShard) -> T) -> EventLoopFuture<T> {
        eventLoop.submit {
            if let error = self.unavailableError { return unavailable(error) }
            return body(self.shard)
        }
    }

    /// As `read`, for answers about every shard this broker coordinates (ListGroups,
    /// ListTransactions): a shard whose partition another broker leads contributes `notLeading`
    /// instead of an error, as Kafka lists only the partitions it leads.
    func readIfLeading<T: Sendable>(notLeading: @escaping @Sendable () -> T, unavailable: @escaping @Sendable (ErrorCode) -> T,
                                    _ body: @escaping @Sendable (GroupCoordinatorShard) -> T) -> EventLoopFuture<T> {
        eventLoop.submit {
            if self.lifecycle.status == .resigned { return notLeading() }
            if let error = self.unavailableError { return unavailable(error) }
            return body(self.shard)
        }
    }

    // MARK: Effects

    /// Performs effects in order. The returned future completes once every append among them is
    /// durable; responses listed after an append are released only then.
    @discardableResult
    func perform(_ effects: [GroupEffect]) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        var gate: EventLoopFuture<Void>?
        for effect in effects {
            switch effect {
            case .append(let records):
                let written = append(records)
                gate = gate.map { $0.and(written).map { _ in } } ?? written
            case .respondJoin(let token, let result):
                guard let promise = joinWaiters.removeValue(forKey: token) else { continue }
                release(promise, result, after: gate) { _ in .failure(.notCoordinator, memberId: result.memberId) }
            case .respondSync(let token, let result):
                guard let promise = syncWaiters.removeValue(forKey: token) else { continue }
                release(promise, result, after: gate) { _ in .failure(.notCoordinator) }
            case .schedule(let timer, let deadline):
                timers.removeValue(forKey: timer)?.cancel()
                let delay = max(0, deadline - clock())
                timers[timer] = eventLoop.scheduleTask(in: .milliseconds(delay)) { self.fire(timer) }
            case .cancel(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            }
        }
        return gate ?? eventLoop.makeSucceededVoidFuture()
    }

    private func release<T: Sendable>(_ promise: EventLoopPromise<T>, _ value: T, after gate: EventLoopFuture<Void>?,
                                      orElse failure: @escaping @Sendable (Error) -> T) {
        guard let gate else { return promise.succeed(value) }
        gate.whenComplete { outcome in
            switch outcome {
            case .success: promise.succeed(value)
            case .failure(let error): promise.succeed(failure(error))
            }
        }
    }

    private func fire(_ timer: GroupTimer) {
        timers.removeValue(forKey: timer)
        guard lifecycle.isActive else { return }
        perform(shard.timerFired(timer, now: clock()))
    }

    /// Writes records as one uncompressed batch and waits until acks=all holds.
    private func append(_ records: [OffsetsTopicRecord]) -> EventLoopFuture<Void> {
        guard let partition else { return eventLoop.makeFailedFuture(ErrorCode.coordinatorNotAvailable) }
        return tracked(partition.appendInternalRecords(records.map { ($0.encodeKey(), $0.encodeValue()) },
                                                       timestamp: clock(), writer: "group coordinator"))
    }

    /// `write`, unless this term ends first: then it fails NOT_COORDINATOR at once.
    func tracked(_ write: EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        nextWrite &+= 1
        let id = nextWrite
        let promise = eventLoop.makePromise(of: Void.self)
        inFlightWrites[id] = promise
        write.hop(to: eventLoop).whenComplete { result in
            self.inFlightWrites.removeValue(forKey: id)?.completeWith(result)
        }
        return promise.futureResult
    }

    // MARK: End of a term, shutdown

    /// Another broker coordinates the partition now (or none does): answers every parked request
    /// NOT_COORDINATOR, stops timers and writes, forgets the term's state, and refuses requests.
    func resign() -> EventLoopFuture<Void> {
        eventLoop.submit {
            if self.lifecycle.resigned() { self.endTerm() }
        }
    }

    /// As `resign`, for good.
    func close() -> EventLoopFuture<Void> {
        eventLoop.submit {
            if self.lifecycle.close() { self.endTerm() }
        }
    }

    /// Drops the term's state; the lifecycle has already moved on, so nothing of it is served again.
    func endTerm() {
        eventLoop.preconditionInEventLoop()
        perform(shard.unload())
        for promise in joinWaiters.values { promise.succeed(.failure(.notCoordinator)) }
        for promise in syncWaiters.values { promise.succeed(.failure(.notCoordinator)) }
        joinWaiters.removeAll()
        syncWaiters.removeAll()
        for scheduled in timers.values { scheduled.cancel() }
        timers.removeAll()
        let writes = inFlightWrites.values
        inFlightWrites.removeAll()
        for promise in writes { promise.fail(ErrorCode.notCoordinator) }
        shard = GroupCoordinatorShard(config: config)
        pendingTxnOffsets = [:]
        partition = nil
        termLoaded = nil
    }
}
