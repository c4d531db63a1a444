extension PartitionLog {
    /// Plans a compaction pass, or nil when there is nothing worth cleaning: the cleanable range is
    /// the sealed segments below the high watermark and older than `min.compaction.lag.ms`; it is
    /// cleaned when its dirty part (from `firstDirtyOffset`) reaches `min.cleanable.dirty.ratio`
    /// of it, when the oldest dirty segment is older than `max.compaction.lag.ms`, or when
    /// `deleteHorizonDue` (an earlier pass kept tombstones or markers whose delete horizon has passed).
    /// `producerTails` names, per active producer, the batch to keep so its state survives.
    public func cleaningJob(firstDirtyOffset: Int64, cleaner: CleanerConfig, now: Int64,
                            abortedTxns: [AbortedTxn] = [], producerTails: [Int64: ProducerTail] = [:],
                            deleteHorizonDue: Bool = false) throws -> CleaningJob? {
        try checkOpen()
        var candidates: [Segment] = []
        for segment in segments.dropLast() where segment.nextOffset <= highWatermark {
            if segment.maxTimestampSoFar >= 0, now &- segment.maxTimestampSoFar < cleaner.minCompactionLagMs { break }
            candidates.append(segment)
        }
        guard let last = candidates.last else { return nil }
        let firstDirty = min(max(firstDirtyOffset, candidates[0].baseOffset), last.nextOffset)
        let dirty = candidates.filter { $0.nextOffset > firstDirty }
        if !deleteHorizonDue {
            guard let firstDirtySegment = dirty.first else { return nil }
            let total = candidates.reduce(0) { $0 + $1.size }
            let dirtyBytes = dirty.reduce(0) { $0 + $1.size }
            let ratio = total == 0 ? 0 : Double(dirtyBytes) / Double(total)
            let overdue = firstDirtySegment.maxTimestampSoFar >= 0
                && now &- firstDirtySegment.maxTimestampSoFar > cleaner.maxCompactionLagMs
            guard ratio >= cleaner.minCleanableDirtyRatio || overdue else { return nil }
        }
        return CleaningJob(
            directory: directory, logConfig: config, cleaner: cleaner,
            segments: candidates.map { .init(baseOffset: $0.baseOffset, logPath: $0.logPath, size: $0.size, nextOffset: $0.nextOffset) },
            firstDirtyOffset: firstDirty, uncleanableOffset: last.nextOffset, now: now,
            abortedTxns: abortedTxns.filter { $0.firstOffset < last.nextOffset }, producerTails: producerTails)
    }

    /// Swaps the cleaned segments of `result` in (on the owner thread): commits the staging folder,
    /// renames the files over the originals and reopens them. Segments deleted meanwhile (retention,
    /// DeleteRecords) are skipped. Returns the number of segments replaced or dropped.
    @discardableResult
    public func installCleaned(_ result: CleaningResult, now: Int64) throws -> Int {
        try checkOpen()
        let job = result.job
        var replaced: [(index: Int, staged: CleaningResult.Staged)] = []
        for staged in result.staged {
            if let index = segments.firstIndex(where: { $0.baseOffset == staged.baseOffset }),
               index < segments.count - 1, segments[index].logPath == staged.originalPath {
                replaced.append((index, staged))
            } else {
                for suffix in [".log", ".index", ".timeindex", ".txnindex", CleanerSwap.emptyMarkerSuffix] {
                    try FileSystem.remove(job.stagingDirectory + "/" + Segment.fileName(staged.baseOffset, suffix))
                }
            }
        }
        try FileSystem.rename(job.stagingDirectory, to: job.swapDirectory)
        // The renames are cheap; the directory fsync is left to `CleaningResult.syncDirectory()` off the loop.
        try CleanerSwap.finish(swap: job.swapDirectory, into: directory, syncDirectory: false)
        var dropped = Set<Int>()
        for (index, staged) in replaced {
            let old = segments[index]
            if staged.empty {
                try? old.close()
                dropped.insert(index)
                continue
            }
            let fresh = try Segment(directory: directory, baseOffset: old.baseOffset, config: config, active: false,
                                    create: false, now: now)
            fresh.loadSealed(nextOffset: old.nextOffset)
            try? old.close()
            segments[index] = fresh
        }
        if !dropped.isEmpty {
            segments = segments.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        }
        directoryGeneration += 1
        logger.info("compacted segments", metadata: [
            "brook.segments": "\(replaced.count)", "brook.bytesRead": "\(result.bytesRead)",
            "brook.bytesWritten": "\(result.bytesWritten)", "brook.recordsRemoved": "\(result.recordsRemoved)",
            "brook.seconds": "\(result.seconds)",
        ])
        return replaced.count
    }
}
