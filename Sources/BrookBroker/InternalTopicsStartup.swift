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
///
/// A cluster's broker creates each topic (unless stored already) with `offsets.topic.replication.factor`
/// / `transaction.state.log.replication.factor` replicas once that many brokers are live, and its
/// shards then serve only the partitions this broker leads (`Broker.coordinatorRoleChanged`).
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
    /// A cluster's broker tries again this often to create an internal topic that lacks live brokers.
    static let clusterRetryDelay = TimeAmount.milliseconds(250)
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
            let cluster = topics.assigner.isCluster
            let groupsLoaded = groups.load(from: pending.offsets.futureResult, followingLeadership: cluster)
            // Groups first: see the type's comment.
            let done = transactions.load(from: groupsLoaded.flatMap { pending.transactionState.futureResult },
                                         followingLeadership: cluster)
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
        let config = topics.config
        let offsets = open(OffsetsTopic.name, replicationFactor: config.offsetsTopicReplicationFactor, on: loop)
        offsets.cascade(to: pending.offsets)
        offsets.flatMap { _ in
            self.open(TransactionStateTopic.name, replicationFactor: config.transactionStateLogReplicationFactor, on: loop)
        }.cascade(to: pending.transactionState)
        done.whenComplete { _ in
            if !self.cancelled.withLockedValue({ $0 }) {
                self.logger.info("group and transaction coordinators loaded", metadata: ["ms": "\(self.clock() - started)"])
            }
        }
    }

    /// The open topic, or nil when shutdown began or it could not be opened (logged). A cluster's
    /// broker creates it with `replicationFactor` replicas, waiting (retrying every
    /// `clusterRetryDelay` until shutdown) for that many live brokers, as Kafka does; its
    /// coordinator stays unavailable meanwhile.
    private func open(_ name: String, replicationFactor: Int16, on loop: EventLoop) -> EventLoopFuture<Topic?> {
        loop.makeFutureWithTask {
            var waiting = false
            while true {
                do {
                    return try await self.topics.openReserved(name, replicationFactor: replicationFactor,
                                                              isCancelled: { self.cancelled.withLockedValue { $0 } })
                } catch InternalTopicError.notEnoughBrokers(let why) {
                    if !waiting {
                        waiting = true
                        self.logger.info("waiting for enough live brokers to create an internal topic",
                                         metadata: ["brook.topic": "\(name)", "reason": "\(why)"])
                    }
                }
                try await Task.sleep(nanoseconds: UInt64(Self.clusterRetryDelay.nanoseconds))
                if self.cancelled.withLockedValue({ $0 }) { return nil }
            }
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
