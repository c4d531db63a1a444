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
    /// Where each partition's dirty section starts, by topic id and partition (a recreated topic starts
    /// over). In memory only: after a restart the first pass recleans everything once.
    private let firstDirty = NIOLockedValueBox<[String: Int64]>([:])

    init(topics: TopicRegistry, config: BrokerConfig, threadPool: NIOThreadPool, clock: @escaping @Sendable () -> Int64,
         logger: Logger) {
        self.topics = topics
        self.config = config
        self.threadPool = threadPool
        self.clock = clock
        self.logger = logger
    }

    /// One pass over every compacted partition; completes with the number of segments rewritten.
    func runOnce(on loop: EventLoop) -> EventLoopFuture<Int> {
        let resolver = topics.resolver
        var work: [(Partition, CleanerConfig, String)] = []
        for topic in topics.allTopics {
            let overrides = topic.configs
            guard resolver.cleanupPolicy(overrides).contains("compact") else { continue }
            let cleaner = resolver.cleanerConfig(overrides: overrides)
            let id = topic.id
            work += topic.partitions.map { ($0, cleaner, "\(id)/\($0.topicPartition.partition)") }
        }
        return clean(work[...], total: 0, on: loop)
    }

    private func clean(_ remaining: ArraySlice<(Partition, CleanerConfig, String)>, total: Int, on loop: EventLoop)
        -> EventLoopFuture<Int> {
        guard let (partition, cleaner, key) = remaining.first else { return loop.makeSucceededFuture(total) }
        return cleanPartition(partition, cleaner, key: key).hop(to: loop).recover { error in
            self.logger.warning("log cleaning failed", metadata: ["brook.partition": "\(partition.topicPartition)",
                                                                  "error": "\(error)"])
            return 0
        }.flatMap { count in self.clean(remaining.dropFirst(), total: total + count, on: loop) }
    }

    /// Plans on the partition's loop, copies on the thread pool, swaps back on the loop.
    func cleanPartition(_ partition: Partition, _ cleaner: CleanerConfig, key: String) -> EventLoopFuture<Int> {
        let loop = partition.eventLoop
        let start = firstDirty.withLockedValue { $0[key] } ?? 0
        return loop.submit {
            try partition.log.cleaningJob(firstDirtyOffset: start, cleaner: cleaner, now: self.clock(),
                                          abortedTxns: partition.abortedTxns)
        }
            .flatMap { job -> EventLoopFuture<Int> in
                guard let job else { return loop.makeSucceededFuture(0) }
                return self.threadPool.runIfActive(eventLoop: loop) { try job.run() }.flatMapThrowing { result in
                    let count = try partition.log.installCleaned(result, now: self.clock())
                    self.firstDirty.withLockedValue { $0[key] = result.cleanedUpTo }
                    return (count, result)
                }.flatMap { (count: Int, result: CleaningResult) in
                    self.threadPool.runIfActive(eventLoop: loop) { try result.syncDirectory() }.map { count }
                }
            }
    }

    /// Runs `runOnce` every `log.cleaner.backoff.ms`; cancel the returned task on shutdown.
    func schedule(on loop: EventLoop) -> RepeatedTask {
        let delay = max(config.cleanerBackoffMs, 1)
        return loop.scheduleRepeatedAsyncTask(initialDelay: .milliseconds(delay), delay: .milliseconds(delay)) { _ in
            self.runOnce(on: loop).map { _ in }
        }
    }
}
