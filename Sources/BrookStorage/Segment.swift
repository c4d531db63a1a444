#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BrookRecords
import NIOCore

/// One batch inside an append: where it starts in the combined buffer and what the index needs.
struct AppendedBatch {
    var size: Int
    var lastOffset: Int64
    var maxTimestamp: Int64
}

/// One `<base>.log` file with its `.index`, `.timeindex` and `.txnindex`: appends, reads and lookups
/// in a segment.
final class Segment {
    let baseOffset: Int64
    let logPath: String
    let log: PosixFile
    let offsetIndex: OffsetIndex
    let timeIndex: TimeIndex
    let indexIntervalBytes: Int
    /// Bytes in the .log file.
    var size: Int
    /// One past the last offset stored here.
    var nextOffset: Int64
    var maxTimestampSoFar: Int64 = -1
    var offsetOfMaxTimestampSoFar: Int64
    /// Max timestamp of the first batch, the base of time-based rolling.
    var firstBatchTimestamp: Int64?
    /// When this process created or opened the segment (fallback for time-based rolling).
    let createdMs: Int64
    var bytesSinceLastIndexEntry = 0
    private(set) var isActive: Bool
    /// When to start write-back of appended bytes early; bytes present at opening are left alone.
    var writeBack: WriteBackPolicy
    /// Set by `append` when `writeBack` asks for a kick; taken by `takeWriteBack`.
    private var pendingWriteBack: WriteBackRequest?
    /// The last batches appended by this process, so fetches at the log end read no headers from the file.
    var recentBatches = RecentBatches(capacity: 32)

    static func fileName(_ baseOffset: Int64, _ suffix: String) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// Base offset parsed from a `.log` file name, or nil.
    /// Bases so high that offsets relative to them (Int32 index deltas) would pass Int64.max are refused.
    static func baseOffset(fromLogFileName name: String) -> Int64? {
        guard name.hasSuffix(".log") else { return nil }
        let digits = name.dropLast(4)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let base = Int64(digits), base <= maxBaseOffset else { return nil }
        return base
    }

    /// The largest base offset a segment may have: its offsets stay within Int64 (see `baseOffset(fromLogFileName:)`).
    static let maxBaseOffset = Int64.max - Int64(UInt32.max)

    var indexPath: String { Self.path(logPath, ".index") }
    var timeIndexPath: String { Self.path(logPath, ".timeindex") }
    /// Aborted transactions whose abort marker is in this segment (see `TransactionIndex`).
    var txnIndexPath: String { Self.path(logPath, ".txnindex") }

    static func path(_ logPath: String, _ suffix: String) -> String {
        String(logPath.dropLast(4)) + suffix
    }

    /// Opens (or, with `create`, creates empty) the three files of the segment at `baseOffset`.
    init(directory: String, baseOffset: Int64, config: LogConfig, active: Bool, create: Bool, now: Int64) throws {
        self.baseOffset = baseOffset
        self.logPath = directory + "/" + Self.fileName(baseOffset, ".log")
        let truncate: Int32 = create ? O_TRUNC : 0
        self.log = try PosixFile(path: logPath, flags: O_RDWR | O_CREAT | truncate)
        if create {
            try FileSystem.remove(Self.path(logPath, ".index"))
            try FileSystem.remove(Self.path(logPath, ".timeindex"))
            try FileSystem.remove(Self.path(logPath, ".txnindex"))
        }
        self.offsetIndex = try OffsetIndex(path: Self.path(logPath, ".index"), baseOffset: baseOffset,
                                           maxIndexBytes: config.segmentIndexBytes, mutable: active)
        self.timeIndex = try TimeIndex(path: Self.path(logPath, ".timeindex"), baseOffset: baseOffset,
                                       maxIndexBytes: config.segmentIndexBytes, mutable: active)
        self.indexIntervalBytes = config.indexIntervalBytes
        self.size = try log.size()
        self.writeBack = WriteBackPolicy(kickBytes: config.writeBackBytes, fileSize: size)
        self.nextOffset = baseOffset
        self.offsetOfMaxTimestampSoFar = baseOffset
        self.createdMs = now
        self.isActive = active
    }

    // MARK: Append

    /// Writes `buffer` (whole batches, offsets already assigned) at the end with one pwrite, then
    /// adds index entries every `indexIntervalBytes`.
    func append(_ buffer: ByteBuffer, batches: [AppendedBatch]) throws {
        precondition(isActive, "append to a sealed segment")
        let start = size
        do {
            try log.write(buffer, at: start)
        } catch {
            try? log.truncate(to: start)
            recentBatches.truncated(toSize: start)
            throw error
        }
        var position = start
        size = start + buffer.readableBytes
        if let range = writeBack.written(upTo: size) {
            pendingWriteBack = WriteBackRequest(path: logPath, range: range)
        }
        if firstBatchTimestamp == nil { firstBatchTimestamp = batches.first?.maxTimestamp }
        nextOffset = (batches.last?.lastOffset ?? nextOffset - 1) + 1
        for batch in batches {
            if batch.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = batch.maxTimestamp
                offsetOfMaxTimestampSoFar = batch.lastOffset
            }
            if bytesSinceLastIndexEntry > indexIntervalBytes {
                try offsetIndex.append(offset: batch.lastOffset, position: position)
                try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
                bytesSinceLastIndexEntry = 0
            }
            if let header = buffer.getSlice(at: buffer.readerIndex + position - start, length: RecordBatchHeader.size)
                .flatMap(RecordBatchHeader.init(peekingAt:)) {
                recentBatches.appended(header, at: position)
            } else {
                recentBatches.removeAll()
            }
            position += batch.size
            bytesSinceLastIndexEntry += batch.size
        }
    }

    /// The write-back kick asked for by the appends since the last call, if any.
    func takeWriteBack() -> WriteBackRequest? {
        defer { pendingWriteBack = nil }
        return pendingWriteBack
    }

    /// Whether the next append must go to a new segment.
    func shouldRoll(appendBytes: Int, batchCount: Int, firstMaxTimestamp: Int64, lastOffset: Int64,
                    config: LogConfig, now: Int64) -> Bool {
        guard size > 0 else { return false }
        if size + appendBytes > config.segmentBytes { return true }
        if offsetIndex.count + batchCount > offsetIndex.file.maxEntries { return true }
        if timeIndex.count + batchCount + 1 > timeIndex.file.maxEntries { return true }
        if lastOffset - baseOffset > Int64(Int32.max) { return true }
        // Timestamps are the producer's: any Int64 (saturating, not trapping; Kafka's Java wraps).
        let waited: Int64
        if let first = firstBatchTimestamp, first >= 0 {
            waited = firstMaxTimestamp.saturatingSubtract(first)
        } else {
            waited = now.saturatingSubtract(createdMs)
        }
        return waited > config.segmentMs
    }

    /// Adds the final max-timestamp entry and maps the indexes read-only; no more appends.
    func seal() throws {
        guard isActive else { return }
        try writeFinalTimeIndexEntry()
        try offsetIndex.file.seal()
        try timeIndex.file.seal()
        isActive = false
        // Fetches at the log end now go to the next segment; the memory is better freed.
        recentBatches.removeAll()
    }

    /// Makes a sealed segment the active one again (after the segments behind it were dropped).
    func reactivate() throws {
        guard !isActive else { return }
        try offsetIndex.file.unseal()
        try timeIndex.file.unseal()
        isActive = true
    }

    /// Writes the active indexes' pending entries to their files (they are kept in memory until then).
    func persistIndexes() throws {
        try offsetIndex.file.persist()
        try timeIndex.file.persist()
    }

    /// Writes the indexes' pending entries and fsyncs the index files this process changed.
    func persistAndSyncIndexes() throws {
        try persistIndexes()
        try offsetIndex.file.syncIfNeeded()
        try timeIndex.file.syncIfNeeded()
    }

    func writeFinalTimeIndexEntry() throws {
        if maxTimestampSoFar >= 0, timeIndex.file.isMutable, !timeIndex.file.isFull {
            try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
        }
    }

    // MARK: Read

    /// Header of the batch at `position`, or nil when fewer than 61 bytes remain (one pread; to walk
    /// many headers use `HeaderWalk`).
    func header(at position: Int) throws -> RecordBatchHeader? {
        guard position + RecordBatchHeader.size <= size else { return nil }
        let bytes = try log.read(count: RecordBatchHeader.size, at: position)
        return RecordBatchHeader(peekingAt: bytes)
    }

    /// The first batch whose last offset is >= `offset`, found from the index then a short header walk.
    func locate(_ offset: Int64) throws -> (position: Int, header: RecordBatchHeader)? {
        switch recentBatches.lookup(offset) {
        case .found(let position, let header): return (position, header)
        case .pastEnd: return nil
        case .unknown: break
        }
        var walk = HeaderWalk(segment: self, from: offsetIndex.lookup(offset).position)
        while let (position, header) = try walk.next() {
            if header.totalSize < RecordBatchHeader.size || position + header.totalSize > size { return nil }
            if header.lastOffset >= offset { return (position, header) }
            walk.skip(header.totalSize)
        }
        return nil
    }

    enum ReadOutcome {
        /// No batch at or after the offset here: try the next segment.
        case endOfSegment
        case records(ByteBuffer, firstBatchOffset: Int64?)
    }

    /// Whole batches from the one containing `offset`, at most `maxBytes` (or one batch when
    /// `minOneBatch`), only batches whose last offset is below `upTo`; one pread.
    func read(from offset: Int64, maxBytes: Int, upTo: Int64, minOneBatch: Bool) throws -> ReadOutcome {
        guard let (start, first) = try locate(offset) else { return .endOfSegment }
        let empty = ByteBuffer()
        if first.lastOffset >= upTo { return .records(empty, firstBatchOffset: nil) }
        let available = size - start
        var want = min(max(0, maxBytes), available)
        if minOneBatch { want = max(want, min(first.totalSize, available)) }
        if want < first.totalSize { return .records(empty, firstBatchOffset: nil) }
        var buffer = try log.read(count: want, at: start)
        var end = 0
        while end + RecordBatchHeader.size <= buffer.readableBytes {
            let length = Int(buffer.getInteger(at: end + RecordBatchHeader.batchLengthPosition, as: Int32.self)!)
            let total = length + RecordBatchHeader.logOverhead
            guard total >= RecordBatchHeader.size, end + total <= buffer.readableBytes else { break }
            let base = buffer.getInteger(at: end, as: Int64.self)!
            let delta = buffer.getInteger(at: end + 23, as: Int32.self)!
            if base.saturatingAdd(Int64(delta)) >= upTo { break }
            end += total
        }
        buffer.moveWriterIndex(to: end)
        return .records(buffer, firstBatchOffset: end > 0 ? first.baseOffset : nil)
    }

    /// The first batch at or after `minOffset` whose max timestamp is >= `timestamp`.
    func find(timestamp: Int64, minOffset: Int64) throws -> (position: Int, header: RecordBatchHeader)? {
        guard maxTimestampSoFar >= timestamp else { return nil }
        let from = max(timeIndex.lookup(timestamp)?.offset ?? baseOffset, minOffset)
        guard let found = try locate(from) else { return nil }
        if found.header.maxTimestamp >= timestamp { return found }
        var walk = HeaderWalk(segment: self, from: found.position)
        walk.skip(found.header.totalSize)
        while let (position, header) = try walk.next(), header.totalSize >= RecordBatchHeader.size,
              position + header.totalSize <= size {
            if header.maxTimestamp >= timestamp { return (position, header) }
            walk.skip(header.totalSize)
        }
        return nil
    }

    /// The record offset and timestamp of the first record at or after `minOffset` in the batch at
    /// `position` whose timestamp is >= `timestamp` (Kafka answers ListOffsets per record, not per batch).
    func firstRecord(inBatchAt position: Int, header: RecordBatchHeader, atOrAfter timestamp: Int64,
                     minOffset: Int64) throws -> (offset: Int64, timestamp: Int64)? {
        // LogAppendTime batches carry one timestamp for every record.
        if header.timestampType == .logAppendTime {
            return header.maxTimestamp >= timestamp ? (max(header.baseOffset, minOffset), header.maxTimestamp) : nil
        }
        let bytes = try log.read(count: header.totalSize, at: position)
        // One record at a time, stopping at the answer: a batch may hold millions of tiny records.
        var reader = try BatchRecordReader(bytes, maxDecompressedSize: Self.maxDecompressedBatchSize)
        while let record = try reader.next() {
            let offset = record.absoluteOffset(baseOffset: header.baseOffset)
            let recordTime = record.absoluteTimestamp(baseTimestamp: header.baseTimestamp)
            if offset >= minOffset && recordTime >= timestamp { return (offset, recordTime) }
        }
        return nil
    }

    /// Bound on decompressing one stored batch when looking inside it.
    static let maxDecompressedBatchSize = 256 * 1024 * 1024

    // MARK: Files

    var filePaths: [String] { [logPath, indexPath, timeIndexPath] }

    func close() throws {
        try log.close()
        try offsetIndex.file.close()
        try timeIndex.file.close()
    }

    /// Closes and deletes the segment's files (`.txnindex` included).
    func delete() throws {
        try? close()
        for path in filePaths + [txnIndexPath] { try FileSystem.remove(path) }
    }
}
