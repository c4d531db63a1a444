import BrookStorage
import Logging
import NIOCore
import NIOPosix

/// Writes every partition's recovery point and log start offset (`recovery-point-offset-checkpoint`,
/// `log-start-offset-checkpoint`) every `log.flush.offset.checkpoint.interval.ms`, as Kafka does, so that
/// after a crash only what was written since the last checkpoint is rescanned, and data below the
/// recovery point is trusted instead of truncated on a bad byte.
final class LogCheckpointTask: Sendable {
    private let topics: TopicRegistry
    private let threadPool: NIOThreadPool
    private let logger: Logger

    init(topics: TopicRegistry, threadPool: NIOThreadPool, logger: Logger) {
        self.topics = topics
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Reads each partition's offsets on its event loop, then writes both files on the thread pool.
    func runOnce(on loop: EventLoop) -> EventLoopFuture<Void> {
        let partitions = topics.allPartitions
        let reads = partitions.map { partition in
            partition.eventLoop.submit {
                (partition, recoveryPoint: partition.log.recoveryPoint, logStartOffset: partition.log.logStartOffset,
                 highWatermark: partition.log.highWatermark)
            }
        }
        let topics = self.topics
        return EventLoopFuture.whenAllSucceed(reads, on: loop).flatMap { offsets in
            self.threadPool.runIfActive(eventLoop: loop) {
                try topics.writeLogCheckpoints(offsets)
            }
        }
    }

    /// Runs `runOnce` every `intervalMs` (never when 0, as Kafka's scheduler); cancel on shutdown.
    func schedule(on loop: EventLoop, intervalMs: Int64) -> RepeatedTask? {
        guard intervalMs > 0 else { return nil }
        return loop.scheduleRepeatedAsyncTask(initialDelay: .milliseconds(intervalMs), delay: .milliseconds(intervalMs)) { _ in
            self.runOnce(on: loop).recover { error in
                self.logger.error("could not write the recovery-point checkpoint", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension TopicRegistry {
    /// Writes the checkpoints of the partitions still open (a topic deleted meanwhile is left out, so
    /// its entries do not come back), unless the directory is released or offline.
    func writeLogCheckpoints(_ offsets: [(Partition, recoveryPoint: Int64, logStartOffset: Int64, highWatermark: Int64)]) throws {
        try dataDirectoryLock.withLock {
            let dir = directory
            guard !dir.isReleased, dir.health.offlineReason == nil else { return }
            var current: [TopicPartition: (recoveryPoint: Int64, logStartOffset: Int64)] = [:]
            var watermarks: [TopicPartition: Int64] = [:]
            for (partition, recoveryPoint, logStartOffset, highWatermark) in offsets {
                let tp = partition.topicPartition
                guard topic(named: tp.topic)?.partition(tp.partition) === partition else { continue }
                current[tp] = (recoveryPoint, logStartOffset)
                watermarks[tp] = highWatermark
            }
            try dir.writeCheckpoints(current, highWatermarks: watermarks)
        }
    }
}
