extension PartitionLog {
    /// DeleteRecords: moves the log start offset forward (up to the high watermark) and deletes the
    /// segments that now lie wholly below it. Returns the number of segments deleted.
    @discardableResult
    public func advanceLogStartOffset(to offset: Int64) throws -> Int {
        try checkOpen()
        guard offset <= highWatermark else {
            throw StorageError.offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: highWatermark)
        }
        guard offset > logStartOffset else { return 0 }
        logStartOffset = offset
        return try deleteSegments { segment, next in next.baseOffset <= offset }
    }

    /// Applies `retention.ms` (by each segment's newest timestamp) and `retention.bytes` to sealed
    /// segments wholly below the high watermark; the active segment is never deleted. Returns the
    /// number of segments deleted. The log start offset moves to the first remaining segment.
    @discardableResult
    public func deleteExpiredSegments(now: Int64) throws -> Int {
        try checkOpen()
        var deleted = 0
        if config.retentionMs >= 0 {
            deleted += try deleteSegments { segment, _ in
                segment.maxTimestampSoFar >= 0 && now - segment.maxTimestampSoFar > self.config.retentionMs
            }
        }
        if config.retentionBytes >= 0 {
            var total = Int64(segments.reduce(0) { $0 + $1.size })
            deleted += try deleteSegments { segment, _ in
                guard total - Int64(segment.size) >= self.config.retentionBytes else { return false }
                total -= Int64(segment.size)
                return true
            }
        }
        return deleted
    }

    /// Deletes oldest segments while `shouldDelete(segment, nextSegment)` holds, never the active one
    /// and never one holding offsets at or above the high watermark.
    private func deleteSegments(while shouldDelete: (Segment, Segment) -> Bool) throws -> Int {
        var count = 0
        while segments.count > 1, segments[0].nextOffset <= highWatermark, shouldDelete(segments[0], segments[1]) {
            let segment = segments.removeFirst()
            try retire(segment)
            count += 1
            logger.info("deleted segment", metadata: ["brook.baseOffset": "\(segment.baseOffset)"])
        }
        if count > 0 {
            logStartOffset = max(logStartOffset, segments[0].baseOffset)
            directoryGeneration += 1
        }
        return count
    }

    /// Closes a segment and renames its files to `*.deleted` (unlinking a large file can take a
    /// while; the caller does it off the event loop, see `takeRetiredFiles`).
    private func retire(_ segment: Segment) throws {
        try? segment.close()
        for path in segment.filePaths + [segment.txnIndexPath] where FileSystem.exists(path) {
            try FileSystem.rename(path, to: path + Self.retiredSuffix)
            retiredFiles.append(path + Self.retiredSuffix)
        }
    }

    static let retiredSuffix = ".deleted"

    /// Files retired since the last call, to be removed with `removeRetiredFiles` (after `file.delete.delay.ms`).
    public func takeRetiredFiles() -> [String] {
        defer { retiredFiles = [] }
        return retiredFiles
    }

    /// Unlinks retired files; safe on any thread.
    public static func removeRetiredFiles(_ paths: [String]) throws {
        for path in paths { try FileSystem.remove(path) }
    }
}
