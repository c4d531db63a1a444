import NIOCore

extension RecordBatch {
    /// Decodes the batch at the reader index of `buffer` (bytes after it are ignored): checks the
    /// frame (size, magic 2, CRC32C, compression bits) and that the record count is plausible,
    /// decompresses the records section with at most `maxDecompressedSize` bytes of output, and
    /// decodes exactly `recordCount` records that fill the section. Keys and values are slices of
    /// the (decompressed) section. Prefer `BatchRecordReader` to walk records without an array.
    ///
    /// Unlike `BatchValidation`, it accepts non-contiguous offset deltas (compacted batches) and
    /// empty batches.
    public static func decode(_ buffer: ByteBuffer, maxDecompressedSize: Int) throws(RecordValidationError) -> RecordBatch {
        var reader = try BatchRecordReader(buffer, maxDecompressedSize: maxDecompressedSize, whole: true)
        var records: [Record] = []
        records.reserveCapacity(Int(reader.header.recordCount))
        while let record = try reader.next() { records.append(record) }
        return RecordBatch(header: reader.header, records: records)
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
