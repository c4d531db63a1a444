import NIOCore

/// The records of one RecordBatch v2, read one at a time from its records section (decompressed
/// with an output cap), so walking a batch of millions of records never holds more than one
/// `Record` and can stop at the first one it needs.
public struct BatchRecordReader: Sendable {
    /// The batch's header (frame and CRC checked).
    public let header: RecordBatchHeader
    /// The decompressed records section (readable bytes).
    let section: ByteBuffer
    private var position = 0
    /// Records read so far, which is the index of the next one in the batch.
    public private(set) var index = 0

    /// Checks the frame at the reader index of `buffer` (size, magic 2, CRC32C, compression bits)
    /// and that `recordCount` can fit in `maxDecompressedSize` bytes, then decompresses the records
    /// section with at most `maxDecompressedSize` bytes of output. Records are not read yet.
    public init(_ buffer: ByteBuffer, maxDecompressedSize: Int) throws(RecordValidationError) {
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
        let section: ByteBuffer
        do {
            section = try Compression.decompress(body, codec: header.compression, maxOutput: maxDecompressedSize)
        } catch {
            throw .decompression(error)
        }
        let needed = Int(header.recordCount) * RecordSectionReader.minimumRecordSize
        guard needed <= section.readableBytes else {
            throw .invalidRecord("\(header.recordCount) records need at least \(needed) bytes; the records section has \(section.readableBytes)")
        }
        self.header = header
        self.section = section
    }

    /// The next record (keys and values are slices of the section), or nil after the last one,
    /// once it is checked that no bytes trail it.
    public mutating func next() throws(RecordValidationError) -> Record? {
        guard index < Int(header.recordCount) else {
            let trailing = section.readableBytes - position
            guard trailing == 0 else { throw .invalidRecord("\(trailing) bytes after the last record") }
            return nil
        }
        let record = try RecordSectionReader.readRecord(section, at: &position, index: index).get()
        index += 1
        return record
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
