import Logging
import NIOCore

/// The retention pass: every `log.retention.check.interval.ms`, each partition deletes its sealed
/// segments past `retention.ms` or beyond `retention.bytes` on its own event loop (which moves the
/// log start offset).
final class RetentionTask: Sendable {
    private let topics: TopicRegistry
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    init(topics: TopicRegistry, clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.topics = topics
        self.clock = clock
        self.logger = logger
    }

    /// One pass over every partition; completes with the number of segments deleted.
    func runOnce(on loop: EventLoop) -> EventLoopFuture<Int> {
        let now = clock()
        let logger = self.logger
        let resolver = topics.resolver
        let work = topics.allTopics.flatMap { topic in
            let delay = resolver.int64("file.delete.delay.ms", topic.configs) ?? 60_000
            return topic.partitions.map { ($0, delay) }
        }
        let passes = work.map { partition, delay in
            partition.applyRetention(now: now, fileDeleteDelayMs: delay).hop(to: loop).recover { error in
                // A log closed by a concurrent topic deletion has nothing left to retain.
                logger.debug("retention skipped", metadata: ["brook.partition": "\(partition.topicPartition)",
                                                              "error": "\(error)"])
                return 0
            }
        }
        return EventLoopFuture.whenAllSucceed(passes, on: loop).map { $0.reduce(0, +) }
    }

    /// Runs `runOnce` every `intervalMs`; cancel the returned task on shutdown.
    func schedule(on loop: EventLoop, intervalMs: Int64) -> RepeatedTask {
        loop.scheduleRepeatedAsyncTask(initialDelay: .milliseconds(intervalMs), delay: .milliseconds(intervalMs)) { _ in
            self.runOnce(on: loop).map { deleted in
                if deleted > 0 { self.logger.info("retention deleted segments", metadata: ["count": "\(deleted)"]) }
            }
        }
    }
}
