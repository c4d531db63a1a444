import BrookRecords
import Logging

extension PartitionLog {
    /// Opens the segments in `directory` and recovers them:
    /// - an interrupted compaction swap is finished (or its uncommitted staging discarded);
    /// - stray `.tmp` files, retired `.deleted` segment files and indexes without a `.log` are deleted;
    /// - unless `cleanShutdown`, every segment from the one holding `recoveryPoint` on is scanned
    ///   (CRC, framing, offset order), its torn tail truncated and its indexes rebuilt;
    /// - any other segment whose index is missing or corrupt is scanned the same way;
    /// - after a clean shutdown the active segment's end is found from its last index entry.
    ///
    /// The rule for a bad batch found by a scan (the recovery point is checkpointed every
    /// `log.flush.offset.checkpoint.interval.ms`, so few segments are scanned):
    /// - segments wholly below the recovery point are trusted and not scanned, as Kafka does; a bad
    ///   byte there reaches the consumer, whose CRC check reports it (CORRUPT_MESSAGE);
    /// - in the last segment, the bad batch and everything after it are a torn tail: truncated;
    /// - in a sealed segment, the segment is cut at the bad batch (nothing after it in that file can
    ///   be framed reliably) and the error names the file, the byte position and the offsets lost, but
    ///   the later segments are kept, each scanned on its own. Kafka would delete them; here they may
    ///   hold acknowledged, fsynced data written after the last checkpoint, and a sealed segment is
    ///   fsynced whole before the recovery point passes it, so its damage is not a torn write.
    ///   Readers skip the offset gap as they skip compacted offsets.
    static func loadSegments(
        directory: String, config: LogConfig, recoveryPoint: Int64, logStartOffset: Int64?,
        cleanShutdown: Bool, now: Int64, logger: Logger
    ) throws -> [Segment] {
        try FileSystem.makeDirectories(directory)
        if try CleanerSwap.recover(directory: directory) {
            logger.warning("finished or discarded an interrupted compaction swap")
        }
        let names = try FileSystem.list(directory)
        var bases: [Int64] = []
        for name in names {
            if name.hasSuffix(".tmp") || name.hasSuffix(retiredSuffix) { try FileSystem.remove(directory + "/" + name) }
            if let base = Segment.baseOffset(fromLogFileName: name) { bases.append(base) }
        }
        let known = Set(bases)
        for name in names where name.hasSuffix(".index") || name.hasSuffix(".timeindex") || name.hasSuffix(".txnindex") {
            let stem = name.prefix(while: { $0 != "." })
            if let base = Int64(stem), known.contains(base) { continue }
            try FileSystem.remove(directory + "/" + name)
        }
        bases.sort()
        if bases.isEmpty {
            return [try Segment(directory: directory, baseOffset: max(0, logStartOffset ?? 0), config: config,
                                active: true, create: true, now: now)]
        }
        let segments = try bases.enumerated().map { i, base in
            try Segment(directory: directory, baseOffset: base, config: config, active: i == bases.count - 1,
                        create: false, now: now)
        }
        let firstToRecover = cleanShutdown
            ? segments.count
            : (segments.lastIndex(where: { $0.baseOffset <= recoveryPoint }) ?? 0)

        var i = 0
        while i < segments.count {
            let segment = segments[i]
            let isLast = i == segments.count - 1
            var truncated = 0
            if i >= firstToRecover {
                truncated = try segment.recover(logger: logger)
            } else if let problem = segment.indexProblem() {
                logger.warning("rebuilding corrupt index", metadata: ["brook.problem": "\(problem)"])
                truncated = try segment.recover(logger: logger)
            } else if isLast {
                if try !segment.loadWithoutScan() {
                    logger.warning("active segment tail does not parse after clean shutdown; scanning",
                                   metadata: ["brook.segment": "\(segment.logPath)"])
                    truncated = try segment.recover(logger: logger)
                }
            } else {
                segment.loadSealed(nextOffset: segments[i + 1].baseOffset)
            }
            if truncated > 0 {
                if !isLast {
                    let next = segments[i + 1].baseOffset
                    logger.error("corrupt batch in a sealed segment: cut there, later segments kept", metadata: [
                        "brook.segment": "\(segment.logPath)", "brook.position": "\(segment.size)",
                        "brook.bytesDropped": "\(truncated)",
                        "brook.offsetsLost": "\(segment.nextOffset)..<\(max(segment.nextOffset, next))",
                    ])
                } else if segment.nextOffset < recoveryPoint {
                    logger.error("corrupt data below the recovery point was truncated", metadata: [
                        "brook.segment": "\(segment.logPath)", "brook.recoveryPoint": "\(recoveryPoint)",
                        "brook.logEndOffset": "\(segment.nextOffset)",
                    ])
                }
            }
            i += 1
        }
        return segments
    }
}

extension PartitionLog {
    /// Rebuilds the leader-epoch cache from the epochs stamped on the stored batches (after its
    /// checkpoint was found damaged): walks the batch headers from the log start and records each
    /// epoch larger than the last one seen.
    func rebuildLeaderEpochs() throws {
        var rebuilt: [EpochEntry] = []
        for segment in segments {
            var walk = HeaderWalk(segment: segment, from: 0)
            while let (position, header) = try walk.next(), header.totalSize >= RecordBatchHeader.size,
                  position + header.totalSize <= segment.size {
                let epoch = header.partitionLeaderEpoch
                if epoch >= 0, epoch > (rebuilt.last?.epoch ?? -1), header.lastOffset >= logStartOffset {
                    rebuilt.append(EpochEntry(epoch: epoch, startOffset: max(header.baseOffset, logStartOffset)))
                }
                walk.skip(header.totalSize)
            }
        }
        try epochCache.replaceAll(with: rebuilt)
        logger.warning("rebuilt the leader epoch cache from the log", metadata: ["brook.epochs": "\(rebuilt.count)"])
    }
}
