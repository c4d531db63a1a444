import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Opens `__consumer_offsets` and `__transaction_state` in the background once the listener is up,
/// then has the coordinators replay them: the listener need not wait for about a hundred partitions
/// (some 400 files, created on first start).
///
/// Until its topic is open a coordinator is unavailable: FindCoordinator waits for it a little, then
/// answers COORDINATOR_NOT_AVAILABLE (see `FindCoordinatorHandler`), Metadata answers
/// LEADER_NOT_AVAILABLE for the topic, and requests that reach a shard get
/// COORDINATOR_LOAD_IN_PROGRESS until it has replayed. Transaction shards load only after the group
/// shards: a loaded transaction shard resumes writing the markers of prepared transactions, and a
/// marker on `__consumer_offsets` settles transactional offsets the group shard must have replayed.
final class InternalTopicsStartup: Sendable {
    /// The two topics, handed to the coordinators once open (nil: not opened).
    private struct Pending {
        var offsets: EventLoopPromise<Topic?>
        var transactionState: EventLoopPromise<Topic?>
    }

    private enum State {
        case idle
        /// `start` was called; waiting for the gate. `done` completes when both coordinators have
        /// loaded (or gave up).
        case waiting(Pending, done: EventLoopFuture<Void>)
        case running(done: EventLoopFuture<Void>)
        case stopped(done: EventLoopFuture<Void>?)
    }

    private let topics: TopicRegistry
    private let groups: GroupCoordinator
    private let transactions: TransactionCoordinator
    private let threadPool: NIOThreadPool
    private let group: EventLoopGroup
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let state = NIOLockedValueBox(State.idle)
    /// Read by the opening job before each partition, so shutdown need not wait for a whole topic.
    private let cancelled = NIOLockedValueBox(false)

    init(topics: TopicRegistry, groups: GroupCoordinator, transactions: TransactionCoordinator,
         threadPool: NIOThreadPool, group: EventLoopGroup, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.topics = topics
        self.groups = groups
        self.transactions = transactions
        self.threadPool = threadPool
        self.group = group
        self.logger = logger
        self.clock = clock
    }

    /// Starts opening once `gate` completes (at once without one); later calls do nothing. The
    /// coordinators' `loadedFuture`s exist from here on.
    func start(after gate: EventLoopFuture<Void>?) {
        let loop = group.next()
        let pending = state.withLockedValue { state -> Pending? in
            guard case .idle = state else { return nil }
            let pending = Pending(offsets: loop.makePromise(), transactionState: loop.makePromise())
            let groupsLoaded = groups.load(from: pending.offsets.futureResult)
            // Groups first: see the type's comment.
            let done = transactions.load(from: groupsLoaded.flatMap { pending.transactionState.futureResult })
            state = .waiting(pending, done: done)
            return pending
        }
        guard let pending else { return }
        if let gate {
            gate.whenComplete { _ in self.run(pending, on: loop) }
        } else {
            run(pending, on: loop)
        }
    }

    private func run(_ pending: Pending, on loop: EventLoop) {
        let done = state.withLockedValue { state -> EventLoopFuture<Void>? in
            guard case .waiting(_, let done) = state else { return nil }  // stopped first
            state = .running(done: done)
            return done
        }
        guard let done else { return }
        let started = clock()
        // The pool opens one topic after the other, leaving its other thread to fsync appends; the
        // transaction topic opens while the group shards replay on their loops.
        let offsets = open(OffsetsTopic.name, on: loop)
        offsets.cascade(to: pending.offsets)
        offsets.flatMap { _ in self.open(TransactionStateTopic.name, on: loop) }.cascade(to: pending.transactionState)
        done.whenComplete { _ in
            if !self.cancelled.withLockedValue({ $0 }) {
                self.logger.info("group and transaction coordinators loaded", metadata: ["ms": "\(self.clock() - started)"])
            }
        }
    }

    /// The open topic, or nil when shutdown began or it could not be opened (logged).
    private func open(_ name: String, on loop: EventLoop) -> EventLoopFuture<Topic?> {
        loop.makeFutureWithTask {
            try await self.topics.openReserved(name, isCancelled: { self.cancelled.withLockedValue { $0 } })
        }.recover { error in
            self.logger.error("could not open internal topic; its coordinator stays unavailable",
                              metadata: ["brook.topic": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    /// Stops opening partitions (those opened are closed or, once published, left to the registry's
    /// shutdown); the future completes when the background work has finished. Close the shards after
    /// calling this and before waiting, so a replay in progress stops at its next chunk.
    func stop(on loop: EventLoop) -> EventLoopFuture<Void> {
        cancelled.withLockedValue { $0 = true }
        let (done, unstarted) = state.withLockedValue { state -> (EventLoopFuture<Void>?, Pending?) in
            switch state {
            case .idle:
                state = .stopped(done: nil)
                return (nil, nil)
            case .waiting(let pending, let done):
                state = .stopped(done: done)
                return (done, pending)
            case .running(let done), .stopped(let done?):
                return (done, nil)
            case .stopped(nil):
                return (nil, nil)
            }
        }
        // Never opened: the coordinators close their shards.
        unstarted?.offsets.succeed(nil)
        unstarted?.transactionState.succeed(nil)
        return done ?? loop.makeSucceededVoidFuture()
    }
}
