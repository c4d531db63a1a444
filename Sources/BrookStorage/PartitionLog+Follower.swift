import BrookRecords
import NIOCore

/// Why `PartitionLog.appendAsFollower` refused batches that are well framed (nothing was written).
public enum FollowerAppendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first batch starts below the log end and the log is not empty: the fetch was not made from
    /// our log end, or the logs diverged (Kafka's UnexpectedAppendOffsetException).
    case unexpectedAppendOffset(firstOffset: Int64, logEndOffset: Int64)
    /// A batch does not start after the previous one ends (Kafka's OffsetsOutOfOrderException).
    case offsetsNotIncreasing(previousLastOffset: Int64, baseOffset: Int64)
    /// A batch's offsets are negative or pass the largest offset a segment can hold.
    case offsetOutOfBounds(baseOffset: Int64, lastOffsetDelta: Int32)

    public var description: String {
        switch self {
        case .unexpectedAppendOffset(let first, let end):
            return "leader batch starts at \(first), below the follower's log end \(end)"
        case .offsetsNotIncreasing(let previous, let base):
            return "leader batch at \(base) does not follow the previous batch ending at \(previous)"
        case .offsetOutOfBounds(let base, let delta):
            return "leader batch at \(base) (last offset delta \(delta)) is outside the offsets a log can hold"
        }
    }
}

/// One batch `appendAsFollower` stored, as the leader sent it.
public struct FollowerAppendedBatch: Sendable {
    public var header: RecordBatchHeader
    /// Exactly the batch's bytes (a slice of the fetched records).
    public var bytes: ByteBuffer
}

/// What one `PartitionLog.appendAsFollower` call stored.
public struct FollowerAppendResult: Sendable {
    /// The complete batches stored, in order (empty when the fetch held none).
    public var batches: [FollowerAppendedBatch]
    /// Bytes of a partial batch at the end of the fetched records, not stored (a Fetch may cut it).
    public var ignoredTailBytes: Int
    /// The log end after the append.
    public var logEndOffset: Int64
    /// Write-back to start now (on a thread pool), as for a leader's append.
    public var writeBack: WriteBackRequest?
}

extension PartitionLog {
    /// Stores the leader's batches unchanged (a follower's append, Kafka's appendAsFollower): offsets,
    /// leader epochs and compression stay as the leader wrote them, so both logs hold the same bytes.
    ///
    /// `records` is a Fetch response's records for this partition. Every complete batch is checked
    /// first (framing, magic 2, CRC32C, offsets increasing and within range); one bad batch refuses the
    /// whole call and nothing is written. A partial batch at the end is left out, not an error.
    ///
    /// The first batch must start at or after the log end. Beyond it (a gap) is accepted: a compacted
    /// leader log has offsets no batch holds. Below it is refused, except on an empty log, which then
    /// restarts at that batch's base (the leader's log start may lie inside its first batch; Kafka
    /// handles UnexpectedAppendOffset the same way) while keeping its log start offset.
    ///
    /// Segments roll as for the leader (a rolled segment starts at the base of its first batch), the
    /// indexes get their entries, and every leader epoch newer than the latest cached one is recorded
    /// at the base offset of its first batch. No fsync. An I/O error takes the directory offline.
    public func appendAsFollower(records: ByteBuffer, now: Int64) throws -> FollowerAppendResult {
        try checkOpen()
        let (batches, ignored) = try Self.splitFollowerBatches(records)
        return try health.guarding {
            try appendAsFollowerUnguarded(batches, ignoredTailBytes: ignored, now: now)
        }
    }

    /// `appendAsFollower(records:now:)` for records held in several buffers (their bytes in order).
    public func appendAsFollower(batches: [ByteBuffer], now: Int64) throws -> FollowerAppendResult {
        guard batches.count != 1 else { return try appendAsFollower(records: batches[0], now: now) }
        var combined = ByteBufferAllocator().buffer(capacity: batches.reduce(0) { $0 + $1.readableBytes })
        for batch in batches { combined.writeImmutableBuffer(batch) }
        return try appendAsFollower(records: combined, now: now)
    }

    /// Splits fetched records into complete, checked batches and the size of a partial tail.
    static func splitFollowerBatches(_ records: ByteBuffer) throws -> ([FollowerAppendedBatch], Int) {
        var iterator = BatchIterator(records, verifyCRC: true)
        var batches: [FollowerAppendedBatch] = []
        var previousLast: Int64?
        while let scanned = iterator.next() {
            let header = scanned.header
            guard header.baseOffset >= 0, header.lastOffsetDelta >= 0,
                  header.baseOffset <= Segment.maxBaseOffset - Int64(header.lastOffsetDelta)
            else { throw FollowerAppendError.offsetOutOfBounds(baseOffset: header.baseOffset,
                                                               lastOffsetDelta: header.lastOffsetDelta) }
            if let previousLast, header.baseOffset <= previousLast {
                throw FollowerAppendError.offsetsNotIncreasing(previousLastOffset: previousLast,
                                                               baseOffset: header.baseOffset)
            }
            previousLast = header.lastOffset
            let bytes = records.getSlice(at: records.readerIndex + scanned.position, length: header.totalSize)!
            batches.append(FollowerAppendedBatch(header: header, bytes: bytes))
        }
        switch iterator.stopReason {
        case nil, .some(.truncated):
            // Only the tail can be cut: a batch is complete once its bytes are all present.
            return (batches, records.readableBytes - iterator.validBytes)
        case let reason?:
            throw StorageError.invalidBatch("leader batch at byte \(iterator.validBytes): \(reason)")
        }
    }

    private func appendAsFollowerUnguarded(_ batches: [FollowerAppendedBatch], ignoredTailBytes: Int,
                                           now: Int64) throws -> FollowerAppendResult {
        guard let first = batches.first else {
            return FollowerAppendResult(batches: [], ignoredTailBytes: ignoredTailBytes, logEndOffset: logEndOffset)
        }
        if let tooLarge = batches.first(where: { $0.header.totalSize > config.segmentBytes }) {
            throw StorageError.batchTooLargeForSegment(tooLarge.header.totalSize)
        }
        var restartedBelow: (logStart: Int64, highWatermark: Int64)?
        if first.header.baseOffset < logEndOffset {
            guard logStartOffset == logEndOffset else {
                throw FollowerAppendError.unexpectedAppendOffset(firstOffset: first.header.baseOffset,
                                                                 logEndOffset: logEndOffset)
            }
            restartedBelow = (logStartOffset, highWatermark)
            try restartEmpty(at: first.header.baseOffset, now: now)
            try epochCache.replaceAll(with: [])
            logStartOffset = restartedBelow!.logStart
        }

        // Batches go in runs, one write each; a run ends where the segment must roll.
        var run: [FollowerAppendedBatch] = []
        var runBytes = 0
        for batch in batches {
            let header = batch.header
            if !run.isEmpty, activeSegment.size == 0 {
                // `shouldRoll` judges a segment by what it holds: an empty one never rolls.
                try writeFollowerRun(run, bytes: runBytes)
                run.removeAll()
                runBytes = 0
            }
            let rollNeeded: Bool
            if run.isEmpty {
                rollNeeded = activeSegment.shouldRoll(
                    appendBytes: header.totalSize, batchCount: 1, firstMaxTimestamp: header.maxTimestamp,
                    lastOffset: header.lastOffset, config: config, now: now)
                    // An empty segment never rolls, but a gap may put the batch beyond its relative offsets.
                    || header.lastOffset - activeSegment.baseOffset > Int64(Int32.max)
            } else {
                rollNeeded = activeSegment.shouldRoll(
                    appendBytes: runBytes + header.totalSize, batchCount: run.count + 1,
                    firstMaxTimestamp: run[0].header.maxTimestamp, lastOffset: header.lastOffset,
                    config: config, now: now)
            }
            if rollNeeded {
                try writeFollowerRun(run, bytes: runBytes)
                run.removeAll()
                runBytes = 0
                try roll(now: now, at: header.baseOffset)
            }
            run.append(batch)
            runBytes += header.totalSize
        }
        try writeFollowerRun(run, bytes: runBytes)
        if let restartedBelow {
            // The restart clamped it below the log start; nothing readable was lost.
            highWatermark = max(highWatermark, min(restartedBelow.highWatermark, logEndOffset))
        }
        return FollowerAppendResult(batches: batches, ignoredTailBytes: ignoredTailBytes, logEndOffset: logEndOffset,
                                    writeBack: activeSegment.takeWriteBack())
    }

    /// Writes consecutive batches to the active segment with one write, then records their epochs.
    private func writeFollowerRun(_ run: [FollowerAppendedBatch], bytes: Int) throws {
        guard !run.isEmpty else { return }
        var combined = ByteBufferAllocator().buffer(capacity: bytes)
        var appended: [AppendedBatch] = []
        appended.reserveCapacity(run.count)
        for batch in run {
            combined.writeImmutableBuffer(batch.bytes)
            appended.append(AppendedBatch(size: batch.header.totalSize, lastOffset: batch.header.lastOffset,
                                          maxTimestamp: batch.header.maxTimestamp))
        }
        try activeSegment.append(combined, batches: appended)
        // After the write: the cache never names an epoch start the log does not hold.
        for batch in run {
            try epochCache.assign(epoch: batch.header.partitionLeaderEpoch, startOffset: batch.header.baseOffset)
        }
    }

    /// Empties the log and restarts it at `offset`, which becomes its log start (Kafka's
    /// truncateFullyAndStartAt): for a follower whose log end is below the leader's log start, or
    /// whose whole log diverged. Also forgets every leader epoch and producer snapshot: they describe
    /// offsets the log no longer holds (the follower's next fetches bring the leader's epochs back).
    public func truncateFully(restartingAt offset: Int64, now: Int64) throws {
        try checkOpen()
        guard offset >= 0, offset <= Segment.maxBaseOffset else {
            throw FollowerAppendError.offsetOutOfBounds(baseOffset: offset, lastOffsetDelta: 0)
        }
        try health.guarding {
            try restartEmpty(at: offset, now: now)
            try epochCache.replaceAll(with: [])
            for snapshot in try Self.producerSnapshotOffsets(directory: directory) {
                try FileSystem.remove(directory + "/" + ProducerStateSnapshot.fileName(offset: snapshot))
            }
            highWatermark = offset
        }
        logger.info("truncated the whole log", metadata: ["brook.logStartOffset": "\(offset)"])
    }

    /// The aborted transaction an abort marker copied from the leader closes (nil for a commit marker
    /// or a transaction without data), as start-up recovery derives it: `openFirst` is the producer's
    /// open-transaction first offset before the marker, `stateAfter` the producer state after it.
    public static func abortedTxn(closedByReplicatedMarker marker: FollowerAppendedBatch, openFirst: Int64?,
                                  stateAfter: ProducerStateManager) -> AbortedTxn? {
        abortedTxn(marker: marker.header, bytes: marker.bytes, openFirst: openFirst, stateAfter: stateAfter)
    }
}
