import NIOCore

/// One batch of a produce `records` blob that passed `BatchValidation.validate`.
public struct ValidatedBatch: Sendable {
    /// The batch's header as received.
    public var header: RecordBatchHeader
    /// Exactly this batch's bytes (a slice sharing storage with the input blob).
    public var buffer: ByteBuffer
    /// Index of the batch's first byte in the input blob (rewrite headers there to avoid a copy).
    public var position: Int
    /// Size of the batch in bytes (batchLength + 12).
    public var byteCount: Int { header.totalSize }
}

/// Produce-path validation of RecordBatch v2 blobs, without decompressing anything.
public struct BatchValidation: Sendable {
    /// Splits a produce `records` blob (its readable bytes) into batches and validates each:
    /// header present, batchLength ≥ 49 and within the blob (no partial trailing batch), magic 2,
    /// size ≤ `maxBatchSize`, CRC32C, compression bits 0–4, recordCount ≥ 1 and
    /// lastOffsetDelta == recordCount - 1 (Kafka's LogValidator rule for v2), and for uncompressed
    /// batches the framing of every record with offsetDelta == index. A compressed batch is not
    /// opened, but its recordCount must fit in `maxDecompressedSize` bytes (the cap on decompressing
    /// it later, by default Kafka's `socket.request.max.bytes`) at 7 bytes a record at least.
    /// An empty blob yields [].
    public static func validate(
        _ records: ByteBuffer, maxBatchSize: Int, maxDecompressedSize: Int = 104_857_600
    ) throws(RecordValidationError) -> [ValidatedBatch] {
        let result: Result<[(RecordBatchHeader, Int)], RecordValidationError> = records.withUnsafeReadableBytes {
            bytes in
            var found: [(RecordBatchHeader, Int)] = []
            var offset = 0
            while offset < bytes.count {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                switch validateOne(rest, maxBatchSize: maxBatchSize, maxDecompressedSize: maxDecompressedSize) {
                case .success(let header):
                    found.append((header, offset))
                    offset += header.totalSize
                case .failure(let error):
                    return .failure(error)
                }
            }
            return .success(found)
        }
        let found = try result.get()
        let base = records.readerIndex
        return found.map { header, offset in
            ValidatedBatch(
                header: header, buffer: records.getSlice(at: base + offset, length: header.totalSize)!,
                position: base + offset)
        }
    }

    /// Validates the single batch at the start of `bytes`.
    static func validateOne(
        _ bytes: UnsafeRawBufferPointer, maxBatchSize: Int, maxDecompressedSize: Int
    ) -> Result<RecordBatchHeader, RecordValidationError> {
        let header: RecordBatchHeader
        switch RecordBatchHeader.checkFrame(bytes, verifyCRC: false) {
        case .success(let h): header = h
        case .failure(let e): return .failure(e)
        }
        let total = header.totalSize
        guard total <= maxBatchSize else { return .failure(.tooLarge(total)) }
        let crc = RecordBatchHeader.computeCRC(bytes, size: total)
        guard crc == header.crc else { return .failure(.corrupt(expected: header.crc, actual: crc)) }
        guard header.hasValidCompression else { return .failure(.invalidCompression(header.compressionBits)) }
        guard header.recordCount >= 1, header.lastOffsetDelta == header.recordCount - 1 else {
            return .failure(.invalidRecordCount(recordCount: header.recordCount, lastOffsetDelta: header.lastOffsetDelta))
        }
        if let problem = header.recordCountProblem(maxDecompressedSize: maxDecompressedSize) {
            return .failure(.invalidRecord(problem))
        }
        if header.compressionBits == 0 {
            let section = UnsafeRawBufferPointer(rebasing: bytes[RecordBatchHeader.size..<total])
            if let reason = RecordSectionReader.checkFraming(section, count: Int(header.recordCount)) {
                return .failure(.invalidRecord(reason))
            }
        }
        return .success(header)
    }
}
