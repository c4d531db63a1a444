extension PartitionLog {
    /// Removes every batch from the one holding `offset` on (a follower's truncation after a leader
    /// change, Kafka's truncateTo). Below the first segment the log restarts empty at `offset`.
    public func truncate(to offset: Int64) throws {
        try checkOpen()
        guard offset < logEndOffset else { return }
        if offset <= segments[0].baseOffset {
            try restartEmpty(at: offset, now: lastFlushMs)
            return
        }
        let index = segmentIndex(containing: offset)
        if index + 1 < segments.count {
            for segment in segments[(index + 1)...] { try segment.delete() }
            segments.removeSubrange((index + 1)...)
            directoryGeneration += 1
        }
        try activeSegment.reactivate()
        try activeSegment.truncate(to: offset, logger: logger)
        try truncateAbortedTxns(from: offset)
        try afterTruncation()
        logger.info("truncated log", metadata: ["brook.logEndOffset": "\(logEndOffset)"])
    }

    /// Deletes every segment and starts an empty one at `offset`, which becomes the log start.
    func restartEmpty(at offset: Int64, now: Int64) throws {
        for segment in segments { try segment.delete() }
        segments = [try Segment(directory: directory, baseOffset: offset, config: config, active: true,
                                create: true, now: now)]
        logStartOffset = offset
        directoryGeneration += 1
        try afterTruncation()
    }

    private func afterTruncation() throws {
        let end = logEndOffset
        recoveryPoint = min(recoveryPoint, end)
        preparedFlushOffset = min(preparedFlushOffset, end)
        highWatermark = min(highWatermark, end)
        try epochCache.truncate(fromEndOffset: end)
    }
}
