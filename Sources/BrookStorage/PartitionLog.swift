import BrookRecords
import Logging
import NIOCore

/// One partition's log: ordered segments, the leader-epoch cache and flush bookkeeping.
///
/// Not thread-safe: owned by exactly one event loop/thread (the broker guarantees that).
public final class PartitionLog {
    public let directory: String
    public let topicPartition: TopicPartition
    public var config: LogConfig
    /// First offset a consumer may read.
    public internal(set) var logStartOffset: Int64
    /// Set by the broker (single node: to `logEndOffset` after each append); starts at the LEO.
    public var highWatermark: Int64
    /// Offsets below this are known to be fsynced.
    public internal(set) var recoveryPoint: Int64
    var segments: [Segment]
    let epochCache: LeaderEpochCache
    let logger: Logger
    /// The data directory's health: shared by its partitions; the first I/O error takes all offline.
    public let health: LogDirectoryHealth
    var lastFlushMs: Int64
    var preparedFlushOffset: Int64
    var directoryGeneration = 0
    var syncedDirectoryGeneration = 0
    var isClosed = false
    /// `.txnindex` files written since the last flush captured them.
    var unsyncedTxnIndexes: Set<String> = []
    /// Base of the first segment scanned by unclean-shutdown recovery; nil after a clean shutdown.
    public internal(set) var recoveredFromOffset: Int64?
    /// Files of segments removed by retention or DeleteRecords, renamed `*.deleted`, to unlink later.
    var retiredFiles: [String] = []

    /// Opens or creates the log in `directory`, recovering it as described in `loadSegments`.
    /// `health` is the data directory's (a private one when nil).
    public init(
        directory: String, topicPartition: TopicPartition, config: LogConfig, recoveryPoint: Int64,
        logStartOffset: Int64?, cleanShutdown: Bool, now: Int64, logger: Logger = .storageNoOp,
        health: LogDirectoryHealth? = nil
    ) throws {
        var logger = logger
        logger[metadataKey: "brook.topic"] = "\(topicPartition.topic)"
        logger[metadataKey: "brook.partition"] = "\(topicPartition.partition)"
        var logStartOffset = logStartOffset
        if let checkpointed = logStartOffset, checkpointed > Segment.maxBaseOffset {
            logger.warning("ignoring a checkpointed log start offset beyond the largest offset",
                           metadata: ["brook.offset": "\(checkpointed)"])
            logStartOffset = nil
        }
        self.directory = directory
        self.topicPartition = topicPartition
        self.config = config
        self.logger = logger
        self.health = health ?? LogDirectoryHealth(path: directory, logger: logger)
        var recoveryPoint = recoveryPoint
        var segments = try Self.loadSegments(
            directory: directory, config: config, recoveryPoint: recoveryPoint,
            logStartOffset: logStartOffset, cleanShutdown: cleanShutdown, now: now, logger: logger)
        if !cleanShutdown, segments.count > 1, recoveryPoint > segments[segments.count - 1].nextOffset {
            // Flushed data survives a crash, so a recovery point past the recovered end is a damaged
            // checkpoint: the segments it let recovery skip are scanned after all.
            logger.warning("recovery point checkpoint is beyond the log end; scanning every segment",
                           metadata: ["brook.recoveryPoint": "\(recoveryPoint)"])
            for segment in segments { try segment.close() }
            recoveryPoint = 0
            segments = try Self.loadSegments(
                directory: directory, config: config, recoveryPoint: 0,
                logStartOffset: logStartOffset, cleanShutdown: false, now: now, logger: logger)
        }
        var start = max(logStartOffset ?? segments[0].baseOffset, segments[0].baseOffset)
        if cleanShutdown, start > segments[segments.count - 1].nextOffset {
            // Nothing is lost in a clean shutdown and the log start never passes the high watermark,
            // so this checkpoint is damaged: keep the data rather than empty the log.
            logger.warning("log start checkpoint is beyond the log end after a clean shutdown; ignoring it",
                           metadata: ["brook.offset": "\(start)"])
            start = segments[0].baseOffset
        }
        if start > segments[segments.count - 1].nextOffset {
            logger.warning("log start offset is beyond the log end; starting an empty log there",
                           metadata: ["brook.offset": "\(start)"])
            for segment in segments { try segment.delete() }
            segments = [try Segment(directory: directory, baseOffset: start, config: config, active: true,
                                    create: true, now: now)]
        }
        start = max(start, segments[0].baseOffset)
        self.segments = segments
        let end = segments[segments.count - 1].nextOffset
        self.logStartOffset = start
        self.highWatermark = end
        self.recoveryPoint = cleanShutdown ? end : min(recoveryPoint, end)
        if !cleanShutdown {
            recoveredFromOffset = segments[segments.lastIndex(where: { $0.baseOffset <= recoveryPoint }) ?? 0].baseOffset
        }
        self.preparedFlushOffset = self.recoveryPoint
        self.lastFlushMs = now
        self.epochCache = LeaderEpochCache(directory: directory, logger: logger)
        if epochCache.wasUnreadable { try rebuildLeaderEpochs() }
        try epochCache.truncate(fromEndOffset: end)
        logger.debug("opened log", metadata: [
            "brook.logStartOffset": "\(start)", "brook.logEndOffset": "\(end)",
            "brook.segments": "\(segments.count)",
        ])
    }

    public var logEndOffset: Int64 { segments[segments.count - 1].nextOffset }
    public var segmentCount: Int { segments.count }
    var activeSegment: Segment { segments[segments.count - 1] }

    /// Leader epochs and their start offsets, oldest first.
    public var leaderEpochs: [EpochEntry] { epochCache.entries }

    /// OffsetForLeaderEpoch: the largest known epoch <= `epoch` and where it ends; nil if none.
    public func endOffset(forLeaderEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64)? {
        epochCache.endOffset(for: epoch, logEndOffset: logEndOffset)
    }

    /// Every operation on the log first checks that it is open and its directory online (Kafka
    /// takes the logs of an offline directory away: no reads, retention or cleaning either).
    func checkOpen() throws {
        if isClosed { throw StorageError.logClosed(topicPartition.description) }
        try health.checkOnline()
    }

    // MARK: Append

    /// Appends already-validated batches (each a complete RecordBatch v2) as one unit with one
    /// write: assigns offsets from `logEndOffset` by rewriting each baseOffset, stamps
    /// partitionLeaderEpoch, rolls the segment first when needed. No fsync. Refused once the
    /// directory is offline; an I/O error here takes it offline.
    public func append(batches: [ByteBuffer], leaderEpoch: Int32, now: Int64) throws -> AppendResult {
        try checkOpen()
        return try health.guarding { try appendUnguarded(batches, leaderEpoch: leaderEpoch, now: now) }
    }

    private func appendUnguarded(_ batches: [ByteBuffer], leaderEpoch: Int32, now: Int64) throws -> AppendResult {
        let firstOffset = logEndOffset
        guard !batches.isEmpty else {
            return AppendResult(firstOffset: firstOffset, lastOffset: firstOffset - 1, maxTimestamp: -1, bytes: 0)
        }
        var headers: [RecordBatchHeader] = []
        headers.reserveCapacity(batches.count)
        var total = 0
        var offsetCount: Int64 = 0
        for batch in batches {
            guard let header = RecordBatchHeader(peekingAt: batch) else {
                throw StorageError.invalidBatch("shorter than the 61-byte header")
            }
            guard header.magic == 2 else { throw StorageError.invalidBatch("magic \(header.magic)") }
            guard header.totalSize == batch.readableBytes, header.lastOffsetDelta >= 0 else {
                throw StorageError.invalidBatch("length \(header.totalSize) does not match \(batch.readableBytes) bytes")
            }
            headers.append(header)
            total += batch.readableBytes
            offsetCount += Int64(header.lastOffsetDelta) + 1
        }
        if total > config.segmentBytes { throw StorageError.batchTooLargeForSegment(total) }
        // Only a log start checkpointed near Int64.max could get here; refuse rather than trap.
        guard firstOffset <= Segment.maxBaseOffset - offsetCount else {
            throw StorageError.invalidBatch("offsets from \(firstOffset) would pass the largest offset")
        }
        let lastOffset = firstOffset + offsetCount - 1
        if activeSegment.shouldRoll(appendBytes: total, batchCount: batches.count,
                                    firstMaxTimestamp: headers[0].maxTimestamp, lastOffset: lastOffset,
                                    config: config, now: now) {
            try roll(now: now)
        }

        var combined = ByteBufferAllocator().buffer(capacity: total)
        var appended: [AppendedBatch] = []
        appended.reserveCapacity(batches.count)
        var next = firstOffset
        var maxTimestamp: Int64 = -1
        for (batch, header) in zip(batches, headers) {
            let at = combined.writerIndex
            combined.writeImmutableBuffer(batch)
            combined.setInteger(next, at: at + RecordBatchHeader.baseOffsetPosition)
            combined.setInteger(leaderEpoch, at: at + RecordBatchHeader.partitionLeaderEpochPosition)
            let last = next + Int64(header.lastOffsetDelta)
            appended.append(AppendedBatch(size: batch.readableBytes, lastOffset: last, maxTimestamp: header.maxTimestamp))
            maxTimestamp = max(maxTimestamp, header.maxTimestamp)
            next = last + 1
        }
        try activeSegment.append(combined, batches: appended)
        try epochCache.assign(epoch: leaderEpoch, startOffset: firstOffset)
        return AppendResult(firstOffset: firstOffset, lastOffset: lastOffset, maxTimestamp: maxTimestamp, bytes: total,
                            writeBack: activeSegment.takeWriteBack())
    }

    /// Seals the active segment and starts a new one at the log end offset (a follower passes the base
    /// of the leader's next batch, past any offset gap). The new segment is made first: if that fails
    /// (EMFILE), the active one is still writable and the log unchanged.
    func roll(now: Int64, at base: Int64? = nil) throws {
        let base = base ?? logEndOffset
        let next = try Segment(directory: directory, baseOffset: base, config: config, active: true,
                               create: true, now: now)
        do {
            try activeSegment.seal()
        } catch {
            try? next.delete()
            throw error
        }
        segments.append(next)
        directoryGeneration += 1
        logger.debug("rolled segment", metadata: ["brook.baseOffset": "\(base)"])
    }

    // MARK: Read

    /// Whole batches from the one containing `offset`, up to `maxBytes` (at least one batch when
    /// `minOneBatch`), only batches that end below `upTo`; from a single segment, one pread.
    public func read(from offset: Int64, maxBytes: Int, upTo: Int64, minOneBatch: Bool) throws -> LogReadResult {
        try checkOpen()
        let end = logEndOffset
        guard offset >= logStartOffset, offset <= end else {
            throw StorageError.offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: end)
        }
        let limit = min(upTo, end)
        guard offset < limit else { return LogReadResult(records: ByteBuffer(), firstBatchOffset: nil) }
        var index = segmentIndex(containing: offset)
        while index < segments.count {
            switch try segments[index].read(from: offset, maxBytes: maxBytes, upTo: limit, minOneBatch: minOneBatch) {
            case .endOfSegment:
                index += 1
            case .records(let records, let first):
                return LogReadResult(records: records, firstBatchOffset: first)
            }
        }
        return LogReadResult(records: ByteBuffer(), firstBatchOffset: nil)
    }

    /// Index of the segment with the largest base offset <= `offset` (binary search).
    func segmentIndex(containing offset: Int64) -> Int {
        var low = 0
        var high = segments.count - 1
        var found = 0
        while low <= high {
            let mid = (low + high) / 2
            if segments[mid].baseOffset <= offset {
                found = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    /// ListOffsets by timestamp: the first record (at or after the log start) whose timestamp is
    /// >= `timestamp`, as (its offset, its timestamp); nil if none.
    public func offsetForTimestamp(_ timestamp: Int64) throws -> (offset: Int64, timestamp: Int64)? {
        try checkOpen()
        for segment in segments where segment.nextOffset > logStartOffset && segment.maxTimestampSoFar >= timestamp {
            // The first batch reaching the timestamp holds the answer; its records say which one.
            if let (position, header) = try segment.find(timestamp: timestamp, minOffset: logStartOffset) {
                // A batch whose max timestamp disagrees with its records falls back to the batch itself.
                return try segment.firstRecord(inBatchAt: position, header: header, atOrAfter: timestamp,
                                               minOffset: logStartOffset)
                    ?? (max(header.baseOffset, logStartOffset), header.maxTimestamp)
            }
        }
        return nil
    }

    // MARK: Close

    /// Flushes everything and closes the files. Later calls throw `logClosed`. With the directory
    /// offline nothing is written: the files are only closed (the next start recovers them).
    public func close() throws {
        guard !isClosed else { return }
        if health.offlineReason != nil {
            for segment in segments { try? segment.close() }
            isClosed = true
            return
        }
        try health.guarding { try flushAndClose() }
    }

    private func flushAndClose() throws {
        try activeSegment.writeFinalTimeIndexEntry()
        if let flush = prepareFlush(now: lastFlushMs) {
            try flush.perform()
            completeFlush(flush)
        }
        try activeSegment.persistAndSyncIndexes()
        for path in unsyncedTxnIndexes { try FileSystem.sync(path: path) }
        unsyncedTxnIndexes.removeAll()
        for segment in segments { try segment.close() }
        isClosed = true
    }
}
