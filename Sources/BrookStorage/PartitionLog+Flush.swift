/// The fsync work for one group commit, captured on the owning thread and run on a thread pool.
public struct PendingFlush: Sendable {
    /// Every offset below this is durable once `perform()` returns.
    public let upToOffset: Int64
    let files: [String]
    let directory: String?
    let directoryGeneration: Int
    let health: LogDirectoryHealth

    /// fsyncs the captured files (by path; files deleted meanwhile are skipped), then the partition
    /// directory when segments were created since the last flush. Blocking. A failure takes the log
    /// directory offline: the unsynced data may already be gone from the page cache.
    public func perform() throws {
        try health.checkOnline()
        try health.guarding {
            for file in files { try FileSystem.sync(path: file) }
            if let directory { try FileSystem.sync(path: directory, directory: true) }
        }
    }
}

extension PartitionLog {
    /// Captures what needs fsync now: every segment holding offsets at or above the recovery point
    /// (the active one and any rolled since the last flush); nil if all is flushed.
    ///
    /// The active segment's indexes are left out: they are sparse, checked at start-up and rebuilt
    /// when damaged, so acknowledged data needs only the `.log`. That saves two fsyncs per group
    /// commit. Sealed segments are synced whole, and `close()` syncs the active indexes. `.txnindex`
    /// files written since the last flush are synced too: an abort is durable only with its entry.
    public func prepareFlush(now: Int64) -> PendingFlush? {
        let end = logEndOffset
        let directoryDirty = directoryGeneration > syncedDirectoryGeneration
        guard end > recoveryPoint || directoryDirty else { return nil }
        var files: [String] = []
        for segment in segments.reversed() {
            guard segment.nextOffset > recoveryPoint || segment === activeSegment else { break }
            if segment === activeSegment {
                files.append(segment.logPath)
            } else {
                files.append(contentsOf: segment.filePaths)
            }
        }
        files.append(contentsOf: unsyncedTxnIndexes.subtracting(files))
        unsyncedTxnIndexes.removeAll()
        lastFlushMs = now
        preparedFlushOffset = max(preparedFlushOffset, end)
        return PendingFlush(upToOffset: end, files: files, directory: directoryDirty ? directory : nil,
                            directoryGeneration: directoryGeneration, health: health)
    }

    /// Records a finished `perform()`: advances the recovery point to `flush.upToOffset`.
    public func completeFlush(_ flush: PendingFlush) {
        recoveryPoint = max(recoveryPoint, min(flush.upToOffset, logEndOffset))
        syncedDirectoryGeneration = max(syncedDirectoryGeneration, flush.directoryGeneration)
    }

    /// Records a failed `perform()` so that `flushNeeded` asks for the flush again.
    public func abandonFlush(_ flush: PendingFlush) {
        preparedFlushOffset = recoveryPoint
        unsyncedTxnIndexes.formUnion(flush.files.filter { $0.hasSuffix(".txnindex") })
    }

    /// Whether `flush.messages` or `flush.ms` asks for a flush now (ignoring flushes under way).
    public func flushNeeded(now: Int64) -> Bool {
        let unflushed = logEndOffset - max(recoveryPoint, preparedFlushOffset)
        guard unflushed > 0 else { return false }
        if unflushed >= config.flushMessages { return true }
        return config.flushMs != Int64.max && now - lastFlushMs >= config.flushMs
    }
}
