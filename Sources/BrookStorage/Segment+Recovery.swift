import BrookRecords
import Logging
import NIOCore

/// Start-up work on a segment: the CRC-checked scan that truncates a torn tail and rebuilds the
/// indexes, and the cheap load used after a clean shutdown.
extension Segment {
    /// Why a scan stopped before the end of the file.
    enum ScanStop: CustomStringConvertible {
        case incomplete
        case badMagic(Int8)
        case badLength(Int32)
        case badCRC
        case offsetNotIncreasing(Int64)

        var description: String {
            switch self {
            case .incomplete: return "incomplete batch"
            case .badMagic(let magic): return "unsupported magic \(magic)"
            case .badLength(let length): return "invalid batch length \(length)"
            case .badCRC: return "CRC mismatch"
            case .offsetNotIncreasing(let offset): return "non-increasing base offset \(offset)"
            }
        }
    }

    /// Scans every batch from the start, validating framing, magic, CRC32C and offset order; truncates
    /// the file at the first bad batch and rewrites both indexes. Returns the bytes cut off.
    @discardableResult
    func recover(logger: Logger) throws -> Int {
        var offsetEntries: [UInt8] = []
        var timeEntries: [UInt8] = []
        var position = 0
        var expected = baseOffset
        var stop: ScanStop?
        var batch = ByteBuffer()
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        firstBatchTimestamp = nil
        bytesSinceLastIndexEntry = 0
        var lastTimeEntry: Int64?

        while position < size {
            guard let header = try header(at: position) else { stop = .incomplete; break }
            if header.magic != 2 { stop = .badMagic(header.magic); break }
            let total = header.totalSize
            if header.batchLength < Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) {
                stop = .badLength(header.batchLength); break
            }
            if position + total > size { stop = .incomplete; break }
            if header.baseOffset < expected || header.lastOffsetDelta < 0
                || header.lastOffset - baseOffset > Int64(Int32.max) {
                stop = .offsetNotIncreasing(header.baseOffset); break
            }
            batch.clear()
            try log.read(into: &batch, count: total, at: position)
            let crc = batch.withUnsafeReadableBytes { bytes in
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[RecordBatchHeader.attributesPosition...]))
            }
            if crc != header.crc { stop = .badCRC; break }

            if firstBatchTimestamp == nil { firstBatchTimestamp = header.maxTimestamp }
            if header.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = header.maxTimestamp
                offsetOfMaxTimestampSoFar = header.lastOffset
            }
            if bytesSinceLastIndexEntry > indexIntervalBytes {
                offsetEntries += OffsetIndex.encode(offset: header.lastOffset, position: position, baseOffset: baseOffset)
                if maxTimestampSoFar > (lastTimeEntry ?? Int64.min) {
                    timeEntries += TimeIndex.encode(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar,
                                                    baseOffset: baseOffset)
                    lastTimeEntry = maxTimestampSoFar
                }
                bytesSinceLastIndexEntry = 0
            }
            position += total
            bytesSinceLastIndexEntry += total
            expected = header.lastOffset.saturatingAdd(1)
        }
        if maxTimestampSoFar >= 0, maxTimestampSoFar > (lastTimeEntry ?? Int64.min) {
            timeEntries += TimeIndex.encode(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar,
                                            baseOffset: baseOffset)
        }

        let truncated = size - position
        if truncated > 0 {
            logger.warning("truncating torn or corrupt tail of segment", metadata: [
                "brook.segment": "\(logPath)", "brook.position": "\(position)",
                "brook.bytes": "\(truncated)", "brook.reason": "\(stop?.description ?? "unknown")",
            ])
            try log.truncate(to: position)
            size = position
            writeBack.truncated(to: size)
            recentBatches.truncated(toSize: size)
        }
        nextOffset = expected
        try offsetIndex.file.replaceAll(with: offsetEntries)
        try timeIndex.file.replaceAll(with: timeEntries)
        return truncated
    }

    /// Whether an index is unusable (wrong size, out of order, beyond the log).
    func indexProblem() -> String? {
        if size > 0 && !offsetIndex.file.existed { return "\(offsetIndex.file.path) is missing" }
        if size > 0 && !timeIndex.file.existed { return "\(timeIndex.file.path) is missing" }
        if let problem = offsetIndex.problem(logSize: size) { return "\(offsetIndex.file.path): \(problem)" }
        if let problem = timeIndex.problem() { return "\(timeIndex.file.path): \(problem)" }
        return nil
    }

    /// After a clean shutdown: finds the next offset by walking batch headers from the last index
    /// entry (no CRC), and restores the max timestamp from the time index. Returns false when the
    /// tail does not parse, so the caller runs `recover`.
    func loadWithoutScan() throws -> Bool {
        let last = offsetIndex.lastEntry
        var position = last?.position ?? 0
        var next = baseOffset
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = baseOffset
        firstBatchTimestamp = nil
        if let entry = timeIndex.lastEntry {
            maxTimestampSoFar = entry.timestamp
            offsetOfMaxTimestampSoFar = entry.offset
        }
        while position < size {
            guard let header = try header(at: position), header.magic == 2,
                  header.totalSize >= RecordBatchHeader.size, position + header.totalSize <= size,
                  header.baseOffset >= next || position == (last?.position ?? 0)
            else { return false }
            // Batches after the last index entry may raise the max beyond the time index.
            if header.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = header.maxTimestamp
                offsetOfMaxTimestampSoFar = header.lastOffset
            }
            next = header.lastOffset.saturatingAdd(1)
            position += header.totalSize
        }
        nextOffset = next
        bytesSinceLastIndexEntry = size - (last?.position ?? 0)
        if size > 0, let first = try header(at: 0) { firstBatchTimestamp = first.maxTimestamp }
        return true
    }

    /// Cuts the segment before the batch holding `offset` (or the first batch after it) and
    /// trims the indexes; a no-op when no batch reaches `offset`.
    func truncate(to offset: Int64, logger: Logger) throws {
        guard let (position, header) = try locate(offset) else { return }
        try log.truncate(to: position)
        size = position
        writeBack.truncated(to: size)
        recentBatches.truncated(toSize: size)
        try offsetIndex.truncate(toPosition: position)
        try timeIndex.truncate(toOffset: header.baseOffset)
        if try !loadWithoutScan() {
            try recover(logger: logger)
        }
    }

    /// For a sealed segment left alone at start-up: its end comes from the next segment's base.
    func loadSealed(nextOffset: Int64) {
        self.nextOffset = nextOffset
        if let entry = timeIndex.lastEntry {
            maxTimestampSoFar = entry.timestamp
            offsetOfMaxTimestampSoFar = entry.offset
        }
    }
}
