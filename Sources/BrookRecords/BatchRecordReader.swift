import NIOCore

/// The records of one RecordBatch v2, read one at a time, so walking a batch of millions of records
/// never holds more than one `Record` and can stop at the first one it needs. A compressed section
/// is decompressed as the reader goes (gzip, lz4, zstd; snappy at once), so memory follows the
/// largest record, not the section; at most `maxDecompressedSize` bytes are decompressed in all.
/// Not Sendable: it owns a codec context; use it where it was made.
public struct BatchRecordReader {
    /// The batch's header (frame and CRC checked).
    public let header: RecordBatchHeader
    private var window: SectionWindow
    /// The whole decompressed section when it was read at once (`whole:`), else nil.
    let section: ByteBuffer?
    /// Records read so far, which is the index of the next one in the batch.
    public private(set) var index = 0

    /// Checks the frame at the reader index of `buffer` (size, magic 2, CRC32C, compression bits)
    /// and that `recordCount` can fit in `maxDecompressedSize` bytes, before decompressing anything.
    /// Records are decompressed and read by `next()`.
    public init(_ buffer: ByteBuffer, maxDecompressedSize: Int) throws(RecordValidationError) {
        try self.init(buffer, maxDecompressedSize: maxDecompressedSize, whole: false)
    }

    /// As the public initialiser; with `whole`, the section is decompressed at once and kept in
    /// `section` (records are then slices of it, with no copy).
    init(_ buffer: ByteBuffer, maxDecompressedSize: Int, whole: Bool) throws(RecordValidationError) {
        let frame = buffer.withUnsafeReadableBytes { RecordBatchHeader.checkFrame($0, verifyCRC: true) }
        let header = try frame.get()
        guard header.hasValidCompression else { throw .invalidCompression(header.compressionBits) }
        guard header.recordCount >= 0 else {
            throw .invalidRecordCount(recordCount: header.recordCount, lastOffsetDelta: header.lastOffsetDelta)
        }
        // Before decompressing: a count no section within the cap can hold is rejected for free.
        if let problem = header.recordCountProblem(maxDecompressedSize: maxDecompressedSize) {
            throw .invalidRecord(problem)
        }
        let body = buffer.getSlice(
            at: buffer.readerIndex + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size)!
        self.header = header
        do throws(CompressionError) {
            if !whole, header.compression != .none, body.readableBytes > 0,
               let decoder = try makeStreamingDecoder(header.compression, input: body) {
                window = SectionWindow(decoder: decoder, limit: maxDecompressedSize)
                section = nil
                return
            }
            let decompressed = try Compression.decompress(body, codec: header.compression, maxOutput: maxDecompressedSize)
            window = SectionWindow(whole: decompressed)
            section = decompressed
        } catch {
            throw .decompression(error)
        }
        let needed = Int(header.recordCount) * RecordSectionReader.minimumRecordSize
        guard needed <= window.buffer.readableBytes else {
            throw .invalidRecord(
                "\(header.recordCount) records need at least \(needed) bytes; the records section has \(window.buffer.readableBytes)")
        }
    }

    /// The next record (keys and values are slices of the decompressed bytes), or nil after the
    /// last one, once it is checked that no bytes trail it.
    public mutating func next() throws(RecordValidationError) -> Record? {
        guard index < Int(header.recordCount) else {
            try fill(1)
            let trailing = window.buffer.readableBytes
            guard trailing == 0 else {
                throw .invalidRecord("\(trailing)\(window.isComplete ? "" : " or more") bytes after the last record")
            }
            return nil
        }
        // The record's length varint (5 bytes at most), then the whole record.
        try fill(5)
        let needed = window.buffer.withUnsafeReadableBytes { bytes -> Int in
            var cursor = RawCursor(bytes)
            guard let length = cursor.readVarint(), length >= 0 else { return 0 }
            return cursor.position + Int(length)
        }
        try fill(needed)
        var position = 0
        let record = try RecordSectionReader.readRecord(window.buffer, at: &position, index: index).get()
        window.consume(position)
        index += 1
        return record
    }

    /// Bytes the reader holds for decompressed data now (for tests of its memory bound).
    var heldBytes: Int { window.buffer.capacity }

    private mutating func fill(_ count: Int) throws(RecordValidationError) {
        do {
            try window.ensure(count)
        } catch {
            throw .decompression(error)
        }
    }
}

extension RecordBatchHeader {
    /// Why `recordCount` is absurd for this batch, or nil: a record takes at least 7 bytes, so the
    /// count must fit in the records section of an uncompressed batch, and in `maxDecompressedSize`
    /// bytes (the cap on decompressing it) of a compressed one.
    public func recordCountProblem(maxDecompressedSize: Int) -> String? {
        let count = Int(recordCount)
        let minimum = RecordSectionReader.minimumRecordSize
        if compressionBits == 0 {
            let available = max(0, totalSize - RecordBatchHeader.size)
            guard count > available / minimum else { return nil }
            return "batch declares \(count) records, more than its \(available)-byte records section can hold"
        }
        guard count > max(0, maxDecompressedSize) / minimum else { return nil }
        return "batch declares \(count) records, more than fit in the \(maxDecompressedSize)-byte limit on its decompressed records"
    }
}
