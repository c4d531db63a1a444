import BrookStorage
import NIOCore

/// Admin operations on a partition's log, each run on the partition's event loop.
extension Partition {
    /// DeleteRecords: moves the log start offset to `offset` (-1: the high watermark); returns the new start.
    func deleteRecords(before offset: Int64, fileDeleteDelayMs: Int64) -> EventLoopFuture<Int64> {
        eventLoop.submit {
            defer { self.removeRetiredFiles(after: fileDeleteDelayMs) }
            let target = offset == -1 ? self.log.highWatermark : offset
            guard target >= 0 else {
                throw StorageError.offsetOutOfRange(requested: target, logStart: self.log.logStartOffset,
                                                    logEnd: self.log.highWatermark)
            }
            try self.log.advanceLogStartOffset(to: target)
            return self.log.logStartOffset
        }
    }

    /// DescribeLogDirs: bytes on disk and how far the log end is ahead of the high watermark.
    func sizeAndLag() -> EventLoopFuture<(size: Int64, lag: Int64)> {
        eventLoop.submit { (self.log.sizeInBytes, self.log.logEndOffset - self.log.highWatermark) }
    }

    /// ListOffsets -3: the record with the largest timestamp.
    func offsetOfMaxTimestamp() -> EventLoopFuture<(offset: Int64, timestamp: Int64)?> {
        eventLoop.submit { try self.log.offsetOfMaxTimestamp() }
    }

    /// Retention: deletes expired sealed segments (`retention.ms`, `retention.bytes`); returns how many.
    func applyRetention(now: Int64, fileDeleteDelayMs: Int64) -> EventLoopFuture<Int> {
        eventLoop.submit {
            defer { self.removeRetiredFiles(after: fileDeleteDelayMs) }
            return try self.log.deleteExpiredSegments(now: now)
        }
    }

    /// Unlinks the files of deleted segments on the thread pool after `file.delete.delay.ms`
    /// (fetches already sending them hold their own descriptors). Call on the partition's loop.
    private func removeRetiredFiles(after delayMs: Int64) {
        let files = log.takeRetiredFiles()
        guard !files.isEmpty else { return }
        let pool = threadPool
        let logger = self.logger
        eventLoop.scheduleTask(in: .milliseconds(max(0, min(delayMs, Int64(Int32.max))))) {
            pool.submit { _ in
                do { try PartitionLog.removeRetiredFiles(files) } catch {
                    logger.warning("could not remove deleted segment files", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
