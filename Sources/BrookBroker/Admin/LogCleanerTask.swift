import BrookProtocol
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The log cleaner: every `log.cleaner.backoff.ms`, compacts the partitions of topics whose
/// cleanup.policy includes "compact", one partition at a time (one cleaner thread, as Kafka's default).
/// Planning and the swap run on the partition's event loop; reading and writing segments runs on
/// the thread pool, so produce and fetch are never held up by the copy.
final class LogCleanerTask: Sendable {
    private let topics: TopicRegistry
    private let config: BrokerConfig
    private let threadPool: NIOThreadPool
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    /// Where each partition's dirty section starts (`cleaner-offset-checkpoint`), so a restart does not
    /// reclean everything.
    private var checkpoints: CleanerCheckpoints { topics.cleanerCheckpoints }
    /// The earliest delete horizon each partition's last pass kept ("topicId/partition"): once it has
    /// passed, a pass runs even with nothing dirty, so expired tombstones and markers do go. In memory
    /// only: after a restart they are found again by the next pass over new data.
    private let deleteHorizons = NIOLockedValueBox<[String: Int64]>([:])
    private let passObservers = NIOLockedValueBox<[EventLoopPromise<Int>]>([])

    init(topics: TopicRegistry, config: BrokerConfig, threadPool: NIOThreadPool, clock: @escaping @Sendable () -> Int64,
         logger: Logger) {
        self.topics = topics
        self.config = config
        self.threadPool = threadPool
        self.clock = clock
        self.logger = logger
    }

    /// One pass over every compacted partition; completes with the number of segments rewritten.
    /// `stop` is asked before each partition, so a shutdown does not wait for a whole pass.
    func runOnce(on loop: EventLoop, stop: @escaping @Sendable () -> Bool = { false }) -> EventLoopFuture<Int> {
        let resolver = topics.resolver
        var work: [(Partition, CleanerConfig, KafkaUUID)] = []
        for topic in topics.allTopics {
            let overrides = topic.configs
            guard resolver.cleanupPolicy(overrides).contains("compact") else { continue }
            let cleaner = resolver.cleanerConfig(overrides: overrides)
            let id = topic.id
            work += topic.partitions.map { ($0, cleaner, id) }
        }
        return clean(work[...], total: 0, on: loop, stop: stop)
    }

    private func clean(_ remaining: ArraySlice<(Partition, CleanerConfig, KafkaUUID)>, total: Int, on loop: EventLoop,
                       stop: @escaping @Sendable () -> Bool) -> EventLoopFuture<Int> {
        guard !stop(), let (partition, cleaner, topicId) = remaining.first else { return loop.makeSucceededFuture(total) }
        return cleanPartition(partition, cleaner, topicId: topicId).hop(to: loop).recover { error in
            self.logger.warning("log cleaning failed", metadata: ["brook.partition": "\(partition.topicPartition)",
                                                                  "error": "\(error)"])
            return 0
        }.flatMap { count in self.clean(remaining.dropFirst(), total: total + count, on: loop, stop: stop) }
    }

    /// Plans on the partition's loop, copies on the thread pool, swaps back on the loop, then records
    /// where the dirty section now starts in the checkpoint (written on the thread pool).
    func cleanPartition(_ partition: Partition, _ cleaner: CleanerConfig, topicId: KafkaUUID) -> EventLoopFuture<Int> {
        let loop = partition.eventLoop
        let tp = partition.topicPartition
        let horizonKey = "\(topicId)/\(tp.partition)"
        return loop.submit { self.firstDirtyOffset(of: partition, topicId: topicId) }.flatMapThrowing { start in
            let now = self.clock()
            let due = self.deleteHorizons.withLockedValue { $0[horizonKey] }.map { $0 <= now } ?? false
            return try partition.cleaningJob(firstDirtyOffset: start, cleaner: cleaner, now: now, deleteHorizonDue: due)
        }
            .flatMap { job -> EventLoopFuture<Int> in
                guard let job else { return loop.makeSucceededFuture(0) }
                return self.threadPool.runIfActive(eventLoop: loop) { try job.run() }.flatMapThrowing { result in
                    let count = try partition.installCleaned(result)
                    self.checkpoints.record(result.cleanedUpTo, for: tp, topicId: topicId)
                    self.deleteHorizons.withLockedValue { $0[horizonKey] = result.nextDeleteHorizon }
                    return (count, result)
                }.flatMap { (count: Int, result: CleaningResult) in
                    // The cleaned segments are made durable before the checkpoint says they are clean.
                    self.threadPool.runIfActive(eventLoop: loop) {
                        try result.syncDirectory()
                        self.checkpoints.write()
                    }.map { count }
                }
            }
    }

    /// The checkpointed start of the dirty section, clamped to the log as Kafka's LogCleanerManager
    /// does; a reset is logged and recorded so it is not reported again each pass. Call on the loop.
    private func firstDirtyOffset(of partition: Partition, topicId: KafkaUUID) -> Int64 {
        let tp = partition.topicPartition
        let checkpointed = checkpoints.offset(for: tp, topicId: topicId)
        let (logStart, logEnd) = (partition.log.logStartOffset, partition.log.logEndOffset)
        let (start, reset) = CleanerCheckpoint.firstDirtyOffset(checkpointed: checkpointed, logStartOffset: logStart,
                                                                logEndOffset: logEnd)
        guard let reset, let checkpointed else { return start }
        let metadata: Logger.Metadata = ["brook.partition": "\(tp)", "brook.checkpointed": "\(checkpointed)",
                                         "brook.logStartOffset": "\(logStart)", "brook.logEndOffset": "\(logEnd)"]
        switch reset {
        case .belowLogStart:
            // Routine once retention or DeleteRecords has moved the log start.
            logger.debug("cleaner checkpoint below the log start; starting at the log start", metadata: metadata)
        case .beyondLogEnd:
            logger.warning("cleaner checkpoint beyond the log end; recleaning from the log start", metadata: metadata)
        }
        checkpoints.record(start, for: tp, topicId: topicId)
        _ = checkpoints.writeInBackground(threadPool: threadPool, on: partition.eventLoop)
        return start
    }

    /// Completes with the number of segments rewritten when the next scheduled pass ends.
    func nextScheduledPass(on loop: EventLoop) -> EventLoopFuture<Int> {
        let promise = loop.makePromise(of: Int.self)
        passObservers.withLockedValue { $0.append(promise) }
        return promise.futureResult
    }

    /// `log.cleaner.backoff.ms` as currently set (it can change at runtime).
    var backoffMs: Int64 { topics.resolver.brokerInt64("log.cleaner.backoff.ms") ?? config.cleanerBackoffMs }

    /// Runs `runOnce` each time `log.cleaner.backoff.ms` has passed since the last pass ended; cancel
    /// the returned schedule on shutdown. The wait is taken in slices of at most a second, so a
    /// runtime change of the backoff applies within a second (Kafka restarts its cleaner threads on one).
    func schedule(on loop: EventLoop) -> CleanerSchedule {
        let schedule = CleanerSchedule()
        wait(schedule, since: .now(), on: loop)
        return schedule
    }

    private func wait(_ schedule: CleanerSchedule, since lastPass: NIODeadline, on loop: EventLoop) {
        let due = lastPass + .milliseconds(max(backoffMs, 1))
        let now = NIODeadline.now()
        schedule.setNext {
            if due <= now {
                return loop.scheduleTask(in: .zero) {
                    let pass = self.runOnce(on: loop, stop: { schedule.isCancelled })
                    schedule.setRunning(pass.map { _ in })
                    pass.whenComplete { result in
                        for observer in self.passObservers.withLockedValue({ observers in
                            defer { observers.removeAll() }
                            return observers
                        }) { observer.completeWith(result) }
                        self.wait(schedule, since: .now(), on: loop)
                    }
                }
            }
            return loop.scheduleTask(in: min(due - now, .seconds(1))) { self.wait(schedule, since: lastPass, on: loop) }
        }
    }
}

/// The cleaner's pending wait and running pass; cancelling it stops the cleaner from running again
/// and the running pass at its next partition.
final class CleanerSchedule: Sendable {
    private let state = NIOLockedValueBox<(cancelled: Bool, next: Scheduled<Void>?, running: EventLoopFuture<Void>?)>(
        (false, nil, nil))

    var isCancelled: Bool { state.withLockedValue { $0.cancelled } }

    fileprivate func setRunning(_ pass: EventLoopFuture<Void>) {
        state.withLockedValue { $0.running = pass }
    }

    /// Completes once the pass running now (if any) has ended: logs must not close under it, and its
    /// event loops must still be running when it ends.
    func runningPassEnded(on loop: EventLoop) -> EventLoopFuture<Void> {
        guard let running = state.withLockedValue({ $0.running }) else { return loop.makeSucceededVoidFuture() }
        return running.hop(to: loop).recover { _ in }
    }

    /// Schedules the next wait unless cancelled.
    fileprivate func setNext(_ make: () -> Scheduled<Void>) {
        state.withLockedValue { state in
            guard !state.cancelled else { return }
            state.next = make()
        }
    }

    func cancel() {
        state.withLockedValue { state in
            state.cancelled = true
            state.next?.cancel()
            state.next = nil
        }
    }
}
