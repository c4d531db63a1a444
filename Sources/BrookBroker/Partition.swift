import BrookCluster
import BrookProtocol
import BrookRecords
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One partition of a topic on this broker: its log, owned by a single event loop.
///
/// Every access to `log` happens on `eventLoop`, so appends and reads need no locks. Durable
/// appends (acks=all) wait until the replica state's durable ISR offset passes them; on a single
/// node that is a group-committed fsync, run on the blocking thread pool.
public final class Partition: @unchecked Sendable {
    public let topicPartition: TopicPartition
    public let eventLoop: EventLoop
    let log: PartitionLog
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Leadership, ISR and watermarks (single node: sole replica, leader at epoch 0). On `eventLoop`.
    var replica: PartitionReplicaState
    /// `replica.leadership` as last published, for readers on other loops (Produce's min.insync
    /// check, leader epoch checks); republished whenever leadership or the ISR changes.
    private let publishedLeadership: NIOLockedValueBox<ReplicaLeadership>
    /// acks=all appends waiting for the durable ISR offset to pass their last offset.
    private var flushWaiters = OffsetWaiters<EventLoopPromise<Void>>()
    /// Follower appends waiting for our own fsync to pass their last offset (see `Partition+Follower`).
    var followerFlushWaiters = OffsetWaiters<EventLoopPromise<Void>>()
    /// The flush running now, if any (group commit: at most one per partition).
    private var flushInFlight: EventLoopFuture<Void>?
    /// A write-back kick is running on `BackgroundIO`; later kicks wait merged in `queuedWriteBack`.
    private var writeBackInFlight = false
    private var queuedWriteBack: WriteBackRequest?
    private var fetchWaiters: [ObjectIdentifier: DelayedFetch] = [:]
    /// Follower fetches parked until the log end moves (the high watermark waits for them).
    private var replicaFetchWaiters: [ObjectIdentifier: DelayedFetch] = [:]
    /// Idempotent/transactional producers seen on this partition, rebuilt from the log on start-up.
    var producers: ProducerStateManager
    /// Aborted transactions, oldest first (for read_committed fetches); durable in the `.txnindex` files.
    var abortedTxns: [AbortedTxn] = []

    /// `nodeId`: this broker. `replicated` false (a single node): the partition's sole replica and
    /// leader at epoch 0. True (a cluster): neither leader nor follower until the cluster says which
    /// (`updateReplica`), so clients are refused (NOT_LEADER_OR_FOLLOWER) until then; its high
    /// watermark starts from `checkpointedHighWatermark` (clamped to the log end).
    init(topicPartition: TopicPartition, log: PartitionLog, eventLoop: EventLoop, threadPool: NIOThreadPool,
         logger: Logger, clock: @escaping @Sendable () -> Int64, nodeId: Int32, replicated: Bool = false,
         checkpointedHighWatermark: Int64? = nil) {
        self.topicPartition = topicPartition
        self.log = log
        self.eventLoop = eventLoop
        self.threadPool = threadPool
        self.logger = logger
        self.clock = clock
        let replica: PartitionReplicaState
        if replicated {
            // The high watermark is learnt from the leader (or, leading, from the followers' fetches).
            replica = PartitionReplicaState(localReplica: nodeId, logEndOffset: log.logEndOffset,
                                            flushedOffset: log.recoveryPoint, highWatermark: checkpointedHighWatermark ?? 0)
        } else {
            replica = PartitionReplicaState.singleReplica(nodeId, logEndOffset: log.logEndOffset,
                                                          flushedOffset: log.recoveryPoint, now: clock()).0
        }
        self.replica = replica
        self.publishedLeadership = NIOLockedValueBox(replica.leadership)
        // Nobody reads or waits yet: the watermark is set directly instead of through the effects.
        log.highWatermark = replica.highWatermark
        (self.producers, self.abortedTxns) = Self.loadTransactionState(log: log, logger: logger)
    }

    /// Leadership and ISR as last published; safe from any thread.
    var leadership: ReplicaLeadership { publishedLeadership.withLockedValue { $0 } }

    /// The epoch stamped on appended batches and checked against requests' current leader epoch.
    var leaderEpoch: Int32 { publishedLeadership.withLockedValue { $0.leaderEpoch } }

    /// Appends validated batches; the future completes after the OS write, or after fsync when `durable`.
    /// Where an append landed.
    struct Appended: Sendable {
        var firstOffset: Int64
        var lastOffset: Int64
        var maxTimestamp: Int64
        var logStartOffset: Int64
    }

    func append(_ batches: [ByteBuffer], durable: Bool, logAppendTime: Bool) -> EventLoopFuture<Appended> {
        // A connection on the partition's own loop appends at once, without a task and two futures.
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit { self.append(batches, durable: durable, logAppendTime: logAppendTime) }
        }
        // An offline directory answers nothing, not even a retry's original offsets.
        if let offline = self.log.health.offlineError { return self.eventLoop.makeFailedFuture(offline) }
        // Only the leader takes clients' writes (a follower copies them with `appendAsFollower`).
        guard replica.isLeader else { return eventLoop.makeFailedFuture(ErrorCode.notLeaderOrFollower) }
        let now = self.clock()
        var batches = batches
        if logAppendTime {
            for i in batches.indices {
                _ = RecordBatchHeader.stampLogAppendTime(now, in: &batches[i], at: batches[i].readerIndex)
            }
        }
        let headers = batches.compactMap { RecordBatchHeader(peekingAt: $0) }
        do throws(ProducerStateError) {
            if case .duplicate(let original) = try self.producers.check(headers) {
                return self.answerDuplicate(original, durable: durable)
            }
        } catch {
            logger.info("producer batch refused", metadata: [
                "brook.partition": "\(topicPartition)", "brook.error": "\(error)",
                "brook.logEndOffset": "\(log.logEndOffset)", "brook.leaderEpoch": "\(replica.leaderEpoch)"])
            return self.eventLoop.makeFailedFuture(error.errorCode)
        }
        let result: Appended
        do {
            let segmentsBefore = self.log.segmentCount
            let r = try self.log.append(batches: batches, leaderEpoch: self.replica.leaderEpoch, now: now)
            if let kick = r.writeBack { self.startWriteBack(kick) }
            let rolled = self.log.segmentCount != segmentsBefore
            if rolled { self.snapshotProducers() }
            self.producers.record(headers, firstOffset: r.firstOffset)
            // As Kafka, a rolled segment is flushed at once, so the recovery point (checkpointed
            // periodically) moves past it even when no acks=all producer asks for fsyncs; in the
            // background, as nobody waits for it.
            if rolled { self.startFlushIfIdle(background: true) }
            result = Appended(firstOffset: r.firstOffset, lastOffset: r.lastOffset, maxTimestamp: r.maxTimestamp,
                              logStartOffset: self.log.logStartOffset)
        } catch {
            return self.eventLoop.makeFailedFuture(error)
        }
        // Single replica: the high watermark follows the log end at once (and wakes long polls).
        self.apply(self.replica.leaderAppended(logEnd: self.log.logEndOffset))
        self.wakeReplicaFetchWaiters()
        return self.awaitDurability(result, durable: durable, now: now)
    }

    /// Appends a transactional producer's batches only if its transaction is already open in this
    /// partition (nil otherwise), checked and appended in one step on the partition's loop. Kafka skips
    /// KIP-890 verification in that case, so a batch retried after a restart is answered (as a
    /// duplicate, say) without waiting for the transaction coordinator to load.
    func appendToOngoingTransaction(_ batches: [ByteBuffer], producerId: Int64, epoch: Int16, durable: Bool,
                                    logAppendTime: Bool) -> EventLoopFuture<Appended?> {
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit {
                self.appendToOngoingTransaction(batches, producerId: producerId, epoch: epoch, durable: durable,
                                                logAppendTime: logAppendTime)
            }
        }
        guard producers.hasOngoingTransaction(producerId: producerId, epoch: epoch) else {
            return eventLoop.makeSucceededFuture(nil)
        }
        return append(batches, durable: durable, logAppendTime: logAppendTime).map { Optional($0) }
    }

    /// Hands a write-back kick to `BackgroundIO` (it can block on a congested device). One at a time
    /// per partition: kicks asked for meanwhile are merged into one, so a flood queues no backlog.
    func startWriteBack(_ kick: WriteBackRequest) {
        eventLoop.preconditionInEventLoop()
        guard !writeBackInFlight else {
            queuedWriteBack = queuedWriteBack.map { $0.merged(with: kick) } ?? kick
            return
        }
        writeBackInFlight = true
        BackgroundIO.run(on: eventLoop) { kick.start() }.whenComplete { _ in
            self.writeBackInFlight = false
            if let next = self.queuedWriteBack {
                self.queuedWriteBack = nil
                self.startWriteBack(next)
            }
        }
    }

    /// Completes with `result` once it is as durable as asked (fsync for acks=all).
    func awaitDurability(_ result: Appended, durable: Bool, now: Int64) -> EventLoopFuture<Appended> {
        eventLoop.preconditionInEventLoop()
        if durable {
            let promise = eventLoop.makePromise(of: Void.self)
            flushWaiters.add(promise, offset: result.lastOffset)
            startFlushIfIdle()
            return promise.futureResult.map { result }
        }
        if log.flushNeeded(now: now) { startFlushIfIdle() }
        return eventLoop.makeSucceededFuture(result)
    }

    /// A retried batch already in the log: its original offsets, once they are as durable as asked.
    private func answerDuplicate(_ original: ProducerBatchMetadata, durable: Bool) -> EventLoopFuture<Appended> {
        let result = Appended(firstOffset: original.firstOffset, lastOffset: original.lastOffset,
                              maxTimestamp: original.maxTimestamp, logStartOffset: log.logStartOffset)
        guard durable else { return eventLoop.makeSucceededFuture(result) }
        let promise = eventLoop.makePromise(of: Void.self)
        flushWaiters.add(promise, offset: original.lastOffset)
        startFlushIfIdle()
        return promise.futureResult.map { result }
    }

    /// Group commit: one fsync covers every append that arrived before it started. Once the log
    /// directory is offline every waiter fails: an fsync that succeeds after one that failed proves
    /// nothing, so nothing written after the hole is acknowledged. A `background` flush (nobody
    /// waits for it) runs on `BackgroundIO`, the others on the thread pool.
    func startFlushIfIdle(background: Bool = false) {
        eventLoop.preconditionInEventLoop()
        guard flushInFlight == nil else { return }
        if let offline = log.health.offlineError {
            failFlushWaiters(offline)
            return
        }
        guard let pending = log.prepareFlush(now: clock()) else {
            // Nothing unflushed: everything waiting is already durable.
            flushed(upTo: log.recoveryPoint)
            return
        }
        let flushed = background
            ? BackgroundIO.run(on: eventLoop) { try pending.perform() }
            : threadPool.runIfActive(eventLoop: eventLoop) { try pending.perform() }.hop(to: eventLoop)
        flushInFlight = flushed
        flushed.whenComplete { result in
            self.flushInFlight = nil
            switch result {
            case .success:
                self.log.completeFlush(pending)
                if let offline = self.log.health.offlineError {
                    self.failFlushWaiters(offline)
                } else {
                    self.flushed(upTo: pending.upToOffset)
                }
            case .failure(let error):
                self.log.abandonFlush(pending)
                self.logger.error("fsync failed", metadata: ["brook.partition": "\(self.topicPartition)", "error": "\(error)"])
                self.failFlushWaiters(self.log.health.offlineError ?? error)
            }
            if !self.flushWaiters.isEmpty || !self.followerFlushWaiters.isEmpty { self.startFlushIfIdle() }
        }
    }

    /// Our offsets below `offset` (exclusive: the log end at flush time) are fsynced. Waiters below
    /// the durable ISR offset are answered even when it did not move (a retry's older offset).
    private func flushed(upTo offset: Int64) {
        apply(replica.leaderFlushed(upTo: offset))
        for promise in flushWaiters.removeReady(below: replica.durableIsrOffset) { promise.succeed(()) }
        for promise in followerFlushWaiters.removeReady(below: replica.flushedOffset) { promise.succeed(()) }
    }

    private func failFlushWaiters(_ error: Error) {
        for promise in flushWaiters.removeAll() { promise.fail(error) }
        for promise in followerFlushWaiters.removeAll() { promise.fail(error) }
    }

    /// Performs what the replica state asks for.
    func apply(_ effects: [ReplicaEffect]) {
        eventLoop.preconditionInEventLoop()
        for effect in effects {
            switch effect {
            case .highWatermarkAdvanced(let offset):
                log.highWatermark = offset
                wakeFetchWaiters()
            case .durableIsrOffsetAdvanced(let offset):
                for promise in flushWaiters.removeReady(below: offset) { promise.succeed(()) }
            case .proposeIsrChange(let proposal):
                // Kept as the state's pending change; an `IsrChangeForwarder` sends it to the cluster.
                logger.debug("ISR change proposed", metadata: [
                    "brook.partition": "\(topicPartition)", "brook.isr": "\(proposal.isr)"])
            }
        }
    }

    /// Runs a replica event that does not come from this partition's own appends and flushes (a
    /// controller decision, a follower's fetch) on the partition's loop, performs its effects and
    /// republishes leadership: where replication plugs in.
    func updateReplica(_ event: @escaping @Sendable (inout PartitionReplicaState) -> [ReplicaEffect]) -> EventLoopFuture<Void> {
        eventLoop.submit {
            let wasLeader = self.replica.isLeader
            let effects = event(&self.replica)
            let leadership = self.replica.leadership
            self.publishedLeadership.withLockedValue { $0 = leadership }
            self.apply(effects)
            if wasLeader && !self.replica.isLeader {
                // As Kafka's delayed produce: a leader that lost its leadership never acknowledges
                // what it was waiting on (the new leader may not have it); the producer retries there.
                for promise in self.flushWaiters.removeAll() { promise.fail(ReplicaStateError.notLeaderOrFollower) }
            }
        }
    }

    /// Whether a group commit is under way (a follower truncates only between them).
    var isFlushing: Bool { flushInFlight != nil }

    /// The group commit under way, or a succeeded future when none is: lets tests await an fsync.
    func currentFlush() -> EventLoopFuture<Void> {
        eventLoop.submit { self.flushInFlight ?? self.eventLoop.makeSucceededVoidFuture() }
            .flatMap { $0.flatMapError { _ in self.eventLoop.makeSucceededVoidFuture() } }
    }

    /// Flushes if the time-based policy (`flush.ms`) says so; called by the scheduler.
    func flushIfDue() {
        eventLoop.execute {
            if self.log.flushNeeded(now: self.clock()) { self.startFlushIfIdle() }
        }
    }

    /// A consistent view of the partition's offsets.
    struct Offsets: Sendable {
        var logStartOffset: Int64
        var logEndOffset: Int64
        var highWatermark: Int64
        /// min(high watermark, first offset of the oldest open transaction).
        var lastStableOffset: Int64
    }

    func offsets() -> EventLoopFuture<Offsets> {
        eventLoop.submit { self.currentOffsets }
    }

    var currentOffsets: Offsets {
        let highWatermark = log.highWatermark
        return Offsets(logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: highWatermark,
                       lastStableOffset: min(highWatermark, producers.firstUnstableOffset ?? highWatermark))
    }

    /// Result of one partition read for Fetch: a file range to send with sendfile, or nothing.
    struct ReadResult: Sendable {
        var offsets: Offsets
        var slice: LogSlice?
        var error: Error?
        /// read_committed only: aborted transactions overlapping the range read.
        var abortedTxns: [AbortedTxn] = []
        /// KIP-392: the leader sends the consumer to this follower instead of answering with records.
        var preferredReadReplica: Int32?
    }

    /// A consumer's read. The leader serves it, or names a follower to read from instead when
    /// `selectReadReplica` picks one (KIP-392); a follower serves it only when `servesFromFollower`
    /// (Fetch v11+, as Kafka), up to its own high watermark.
    func read(from offset: Int64, maxBytes: Int, readCommitted: Bool, minOneBatch: Bool, servesFromFollower: Bool = false,
              selectReadReplica: (@Sendable (PartitionReplicaState) -> Int32?)? = nil) -> EventLoopFuture<ReadResult> {
        eventLoop.submit {
            let offsets = self.currentOffsets
            // As Kafka answers for a replica on an offline log directory.
            if let offline = self.log.health.offlineError { return ReadResult(offsets: offsets, slice: nil, error: offline) }
            if self.replica.isLeader {
                if let follower = selectReadReplica?(self.replica) {
                    return ReadResult(offsets: offsets, slice: nil, error: nil, preferredReadReplica: follower)
                }
            } else if !servesFromFollower || self.replica.leadership.leader == nil {
                return ReadResult(offsets: offsets, slice: nil, error: ErrorCode.notLeaderOrFollower)
            }
            let upTo = readCommitted ? offsets.lastStableOffset : offsets.highWatermark
            do {
                let slice = try self.log.slice(from: offset, maxBytes: maxBytes, upTo: upTo, minOneBatch: minOneBatch)
                let aborted = readCommitted ? self.abortedTxns(from: offset, upTo: upTo) : []
                return ReadResult(offsets: offsets, slice: slice, error: nil, abortedTxns: aborted)
            } catch {
                return ReadResult(offsets: offsets, slice: nil, error: error)
            }
        }
    }

    func offsetForTimestamp(_ timestamp: Int64) -> EventLoopFuture<(offset: Int64, timestamp: Int64)?> {
        eventLoop.submit {
            try self.log.health.checkOnline()
            return try self.log.offsetForTimestamp(timestamp)
        }
    }

    // MARK: Long-poll waiters

    func addFetchWaiter(_ waiter: DelayedFetch, observedHighWatermark: Int64) {
        eventLoop.execute {
            if self.log.highWatermark != observedHighWatermark {
                waiter.dataArrived()
            } else {
                self.fetchWaiters[ObjectIdentifier(waiter)] = waiter
            }
        }
    }

    /// A follower's fetch waits for the log end to differ from `observedLogEnd`.
    func addReplicaFetchWaiter(_ waiter: DelayedFetch, observedLogEnd: Int64) {
        eventLoop.execute {
            if self.log.logEndOffset != observedLogEnd {
                waiter.dataArrived()
            } else {
                self.replicaFetchWaiters[ObjectIdentifier(waiter)] = waiter
            }
        }
    }

    func removeFetchWaiter(_ waiter: DelayedFetch) {
        eventLoop.execute {
            self.fetchWaiters.removeValue(forKey: ObjectIdentifier(waiter))
            self.replicaFetchWaiters.removeValue(forKey: ObjectIdentifier(waiter))
        }
    }

    /// Fetches parked on this partition (tests check that none outlives its connection).
    func fetchWaiterCount() -> EventLoopFuture<Int> {
        eventLoop.submit { self.fetchWaiters.count + self.replicaFetchWaiters.count }
    }

    /// Our log end moved: parked follower fetches read again.
    func wakeReplicaFetchWaiters() {
        guard !replicaFetchWaiters.isEmpty else { return }
        let waiters = replicaFetchWaiters.values
        replicaFetchWaiters.removeAll()
        for waiter in waiters { waiter.dataArrived() }
    }

    func wakeFetchWaiters() {
        guard !fetchWaiters.isEmpty else { return }
        let waiters = fetchWaiters.values
        fetchWaiters.removeAll()
        for waiter in waiters { waiter.dataArrived() }
    }

    // MARK: Shutdown

    /// Flushes and closes the log; returns what the checkpoints need.
    func close() -> EventLoopFuture<(recoveryPoint: Int64, logStartOffset: Int64, highWatermark: Int64)> {
        // A flush still running holds the segments' descriptors: close after it, not under it.
        eventLoop.flatSubmit {
            (self.flushInFlight ?? self.eventLoop.makeSucceededVoidFuture()).flatMapError { _ in
                self.eventLoop.makeSucceededVoidFuture()
            }
        }.flatMapThrowing {
            if self.producers.mapEndOffset == self.log.logEndOffset, self.log.health.offlineReason == nil {
                do {
                    try PartitionLog.writeProducerSnapshot(self.producers, directory: self.log.directory)
                } catch {
                    self.logger.warning("could not write the producer snapshot",
                                        metadata: ["brook.partition": "\(self.topicPartition)", "error": "\(error)"])
                }
            }
            try self.log.close()
            return (self.log.recoveryPoint, self.log.logStartOffset, self.log.highWatermark)
        }
    }
}
