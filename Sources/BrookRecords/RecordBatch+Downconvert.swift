import NIOCore

/// Turns RecordBatch v2 bytes into a legacy message set (magic 0 or 1) one batch at a time, as
/// Kafka's broker does for Fetch v0–3 (`RecordsUtil.downConvert`), so a caller can stream batches
/// from the log and stop as soon as the output is full.
///
/// Per batch: control batches are skipped; a zstd batch cannot be expressed and throws. An
/// uncompressed batch becomes one message per record at or after `fetchOffset` (absolute offsets).
/// A compressed batch becomes one wrapper message holding all its records (Kafka keeps compressed
/// batches whole; consumers skip offsets below the one they asked for), compressed again with the
/// batch's codec: for magic 1 the inner offsets are relative to the first record, the wrapper's
/// offset is the last record's and its timestamp the largest (or the LogAppendTime, with the
/// timestamp-type bit); for magic 0 the inner offsets are absolute. Headers are dropped; null keys
/// and values stay null.
///
/// Output is bounded by `limit`, in whole messages or wrappers. With `alwaysTakeFirst`, the first
/// one is taken even when larger than the limit (KIP-74), so a consumer always makes progress.
public struct LegacyDownconverter {
    public let magic: Int8
    public let fetchOffset: Int64
    public let limit: Int
    public let alwaysTakeFirst: Bool
    public let maxDecompressedSize: Int
    /// The message set converted so far.
    public private(set) var output = ByteBuffer()
    /// Set once a message did not fit; later batches are ignored.
    public private(set) var isFull = false

    /// `magic`: 0 or 1 (anything above 0 is written as 1).
    public init(magic: Int8, fetchOffset: Int64, limit: Int, alwaysTakeFirst: Bool, maxDecompressedSize: Int) {
        self.magic = magic >= 1 ? 1 : 0
        self.fetchOffset = fetchOffset
        self.limit = max(0, limit)
        self.alwaysTakeFirst = alwaysTakeFirst
        self.maxDecompressedSize = maxDecompressedSize
    }

    /// Converts the batch at the reader index of `batch` (bytes after it are ignored) and appends
    /// what fits. Returns false once the output is full.
    @discardableResult
    public mutating func append(batch: ByteBuffer) throws(DownconversionError) -> Bool {
        guard !isFull else { return false }
        guard let peeked = RecordBatchHeader(peekingAt: batch) else {
            throw .invalidBatch(.truncated(needed: RecordBatchHeader.size, available: batch.readableBytes))
        }
        if peeked.magic == 2 && peeked.isControl { return true }
        if peeked.magic == 2 && peeked.compression == .zstd { throw .unsupportedCompression }
        let reader: BatchRecordReader
        do {
            reader = try BatchRecordReader(batch, maxDecompressedSize: maxDecompressedSize)
        } catch {
            throw .invalidBatch(error)
        }
        if reader.header.compression == .none {
            try appendPlain(reader)
        } else {
            try appendWrapped(reader)
        }
        return !isFull
    }

    private func fits(_ size: Int) -> Bool {
        output.readableBytes + size <= limit || (alwaysTakeFirst && output.readableBytes == 0)
    }

    private mutating func appendPlain(_ reader: BatchRecordReader) throws(DownconversionError) {
        var reader = reader
        let header = reader.header
        while let record = try next(&reader) {
            let offset = record.absoluteOffset(baseOffset: header.baseOffset)
            if offset < fetchOffset { continue }
            guard fits(LegacyMessageSetWriter.entrySize(magic: magic, key: record.key, value: record.value)) else {
                isFull = true
                return
            }
            LegacyMessageSetWriter.writeMessage(
                into: &output, magic: magic, offset: offset, timestamp: Self.timestamp(of: record, in: header),
                logAppendTime: header.timestampType == .logAppendTime, key: record.key, value: record.value)
        }
    }

    private mutating func appendWrapped(_ reader: BatchRecordReader) throws(DownconversionError) {
        var reader = reader
        let header = reader.header
        let logAppendTime = header.timestampType == .logAppendTime
        var inner = ByteBuffer()
        var firstOffset: Int64?
        var lastOffset: Int64 = 0
        var maxTimestamp: Int64 = -1
        while let record = try next(&reader) {
            let offset = record.absoluteOffset(baseOffset: header.baseOffset)
            let base = firstOffset ?? offset
            firstOffset = base
            lastOffset = offset
            let timestamp = Self.timestamp(of: record, in: header)
            maxTimestamp = max(maxTimestamp, timestamp)
            LegacyMessageSetWriter.writeMessage(
                into: &inner, magic: magic, offset: magic >= 1 ? offset &- base : offset, timestamp: timestamp,
                logAppendTime: logAppendTime, key: record.key, value: record.value)
        }
        guard firstOffset != nil else { return }
        let compressed = try LegacyMessageSetWriter.compress(inner, codec: header.compression, magic: magic)
        guard fits(LegacyMessageSetWriter.entrySize(magic: magic, key: nil, value: compressed)) else {
            isFull = true
            return
        }
        LegacyMessageSetWriter.writeMessage(
            into: &output, magic: magic, offset: lastOffset, timestamp: logAppendTime ? header.maxTimestamp : maxTimestamp,
            logAppendTime: logAppendTime, codec: header.compression, key: nil, value: compressed)
    }

    private func next(_ reader: inout BatchRecordReader) throws(DownconversionError) -> Record? {
        do {
            return try reader.next()
        } catch {
            throw .invalidBatch(error)
        }
    }

    /// A record's timestamp as consumers see it: the batch's max for LogAppendTime.
    static func timestamp(of record: Record, in header: RecordBatchHeader) -> Int64 {
        header.timestampType == .logAppendTime ? header.maxTimestamp : record.absoluteTimestamp(baseTimestamp: header.baseTimestamp)
    }
}
