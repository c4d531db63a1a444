import NIOCore

extension RecordBatch {
    /// Decodes the batch at the reader index of `buffer` (bytes after it are ignored): checks the
    /// frame (size, magic 2, CRC32C, compression bits), decompresses the records section with at
    /// most `maxDecompressedSize` bytes of output, and decodes exactly `recordCount` records that
    /// fill the section. Keys and values are slices of the (decompressed) section.
    ///
    /// Unlike `BatchValidation`, it accepts non-contiguous offset deltas (compacted batches) and
    /// empty batches.
    public static func decode(_ buffer: ByteBuffer, maxDecompressedSize: Int) throws(RecordValidationError) -> RecordBatch {
        let frame = buffer.withUnsafeReadableBytes { RecordBatchHeader.checkFrame($0, verifyCRC: true) }
        let header = try frame.get()
        guard header.hasValidCompression else { throw .invalidCompression(header.compressionBits) }
        guard header.recordCount >= 0 else {
            throw .invalidRecordCount(recordCount: header.recordCount, lastOffsetDelta: header.lastOffsetDelta)
        }
        let body = buffer.getSlice(
            at: buffer.readerIndex + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size)!
        let section: ByteBuffer
        do {
            section = try Compression.decompress(body, codec: header.compression, maxOutput: maxDecompressedSize)
        } catch {
            throw .decompression(error)
        }
        let records = try RecordSectionReader.decode(section, count: Int(header.recordCount)).get()
        return RecordBatch(header: header, records: records)
    }

    /// Decodes every batch in the readable bytes of `buffer`, which must end on a batch boundary.
    public static func decodeAll(_ buffer: ByteBuffer, maxDecompressedSize: Int) throws(RecordValidationError) -> [RecordBatch] {
        var batches: [RecordBatch] = []
        var rest = buffer
        while rest.readableBytes > 0 {
            let batch = try decode(rest, maxDecompressedSize: maxDecompressedSize)
            rest.moveReaderIndex(forwardBy: batch.header.totalSize)
            batches.append(batch)
        }
        return batches
    }
}
