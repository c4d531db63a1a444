#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import BrookRecords
import NIOCore

extension CleaningJob {
    /// Builds the offset map over the dirty section (stopping early when it fills), then writes a
    /// cleaned copy of every segment below the map's end to the staging folder, fsynced.
    public func run() throws -> CleaningResult {
        let started = Self.monotonicSeconds()
        if FileSystem.isDirectory(stagingDirectory) { try DataDirectory.removeDeletedFolder(stagingDirectory) }
        // Not `makeDirectories`: if the partition folder was renamed away (topic deleted), fail
        // rather than recreate it.
        if mkdir(stagingDirectory, 0o755) != 0 {
            throw StorageError.io("mkdir \(stagingDirectory)", errno: errno)
        }
        // No more keys than dirty bytes: small partitions get a small map.
        let dirtyBytes = segments.filter { $0.nextOffset > firstDirtyOffset }.reduce(0) { $0 + $1.size }
        var map = OffsetMap(slots: min(cleaner.offsetMapSlots, max(1024, dirtyBytes)))
        let mapEnd = try buildMap(&map)
        var staged: [CleaningResult.Staged] = []
        var read = 0
        var written = 0
        var removed = 0
        var horizon: Int64?
        var txns = CleanedTransactions(abortedTxns: abortedTxns)
        for segment in segments where segment.baseOffset < mapEnd {
            let outcome = try rewrite(segment, map: map, mapEnd: mapEnd, txns: &txns)
            staged.append(.init(baseOffset: segment.baseOffset, originalPath: segment.logPath, empty: outcome.written == 0))
            read += segment.size
            written += outcome.written
            removed += outcome.removed
            if let h = outcome.horizon { horizon = min(horizon ?? h, h) }
        }
        try FileSystem.sync(path: stagingDirectory, directory: true)
        return CleaningResult(job: self, staged: staged, cleanedUpTo: mapEnd, bytesRead: read, bytesWritten: written,
                              recordsRemoved: removed, nextDeleteHorizon: horizon,
                              seconds: Self.monotonicSeconds() - started)
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Every whole batch of a segment file, in order, with its bytes.
    func forEachBatch(_ segment: SegmentRef, _ body: (RecordBatchHeader, ByteBuffer) throws -> Bool) throws {
        let file = try PosixFile(path: segment.logPath, flags: O_RDONLY)
        defer { try? file.close() }
        var position = 0
        while position + RecordBatchHeader.size <= segment.size {
            let headerBytes = try file.read(count: RecordBatchHeader.size, at: position)
            guard let header = RecordBatchHeader(peekingAt: headerBytes), header.totalSize >= RecordBatchHeader.size,
                  position + header.totalSize <= segment.size else { break }
            let bytes = try file.read(count: header.totalSize, at: position)
            if try !body(header, bytes) { return }
            position += header.totalSize
        }
    }

    /// Fills `map` with the latest offset per key in [firstDirtyOffset, uncleanableOffset); returns
    /// the offset the map covers up to (earlier than the uncleanable offset when it filled up).
    private func buildMap(_ map: inout OffsetMap) throws -> Int64 {
        var end = uncleanableOffset
        for segment in segments where segment.nextOffset > firstDirtyOffset {
            var full = false
            try forEachBatch(segment) { header, bytes in
                if header.lastOffset < firstDirtyOffset || header.isControl || isAborted(header) { return true }
                // Room for the whole batch, so a batch is either fully in the map or not at all. The
                // header's count is an upper bound (the reader checks it) known before decompressing.
                if map.count + Int(max(0, header.recordCount)) > Int(Double(map.capacity) * 0.9) && map.count > 0 {
                    full = true
                    end = max(header.baseOffset, firstDirtyOffset)
                    return false
                }
                var reader = try BatchRecordReader(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize)
                while let record = try reader.next() {
                    guard let key = record.key else { continue }
                    _ = map.put(key.readableBytesView, offset: record.absoluteOffset(baseOffset: header.baseOffset))
                }
                return true
            }
            if full { break }
        }
        return end
    }

    /// Writes the surviving batches of `segment` to `<staging>/<base>.log` (with fresh indexes, and a
    /// `.txnindex` holding the aborted transactions whose markers stay). Returns the bytes written,
    /// the records removed and the earliest delete horizon among the kept batches.
    private func rewrite(_ segment: SegmentRef, map: OffsetMap, mapEnd: Int64,
                         txns: inout CleanedTransactions) throws -> (written: Int, removed: Int, horizon: Int64?) {
        let output = try Segment(directory: stagingDirectory, baseOffset: segment.baseOffset, config: logConfig,
                                 active: true, create: true, now: now)
        var pending = ByteBuffer()
        var pendingBatches: [AppendedBatch] = []
        var removed = 0
        var horizon: Int64?
        let abortsBefore = txns.retainedAborts.count
        func flushPending() throws {
            guard !pendingBatches.isEmpty else { return }
            try output.append(pending, batches: pendingBatches)
            pending.clear()
            pendingBatches.removeAll(keepingCapacity: true)
        }
        try forEachBatch(segment) { header, bytes in
            let cleaned = try clean(header, bytes: bytes, map: map, mapEnd: mapEnd, txns: &txns)
            removed += cleaned.removed
            if let h = cleaned.horizon { horizon = min(horizon ?? h, h) }
            guard let out = cleaned.bytes else { return true }
            pendingBatches.append(AppendedBatch(size: out.readableBytes, lastOffset: header.lastOffset,
                                                maxTimestamp: header.maxTimestamp))
            pending.writeImmutableBuffer(out)
            if pending.readableBytes >= 1 << 20 { try flushPending() }
            return true
        }
        try flushPending()
        let written = output.size
        try output.seal()
        try output.log.sync()
        try FileSystem.sync(path: output.indexPath)
        try FileSystem.sync(path: output.timeIndexPath)
        try output.close()
        if written == 0 {
            for path in output.filePaths { try FileSystem.remove(path) }
            let marker = stagingDirectory + "/" + Segment.fileName(segment.baseOffset, CleanerSwap.emptyMarkerSuffix)
            try FileSystem.writeAtomically(marker, [])
            return (0, removed, horizon)
        }
        let kept = Array(txns.retainedAborts[abortsBefore...])
        let originalIndex = Segment.path(segment.logPath, ".txnindex")
        if !kept.isEmpty || FileSystem.exists(originalIndex) {
            // Written even when empty, so that the swap replaces the original's entries.
            try FileSystem.writeAtomically(Segment.path(output.logPath, ".txnindex"), TransactionIndex.encode(kept))
        }
        return (written, removed, horizon)
    }
}
