import NIOCore

extension RecordBatch {
    /// Serialises the batch: the header as given, except magic (2), recordCount (records.count),
    /// batchLength and CRC, which are computed. The records section is compressed with the codec
    /// named by the header's attributes. lastOffsetDelta and the timestamps are written as they
    /// are in `header` (RecordBatchBuilder fills them in).
    public func encode(
        allocator: ByteBufferAllocator = ByteBufferAllocator(), compressionLevel: Int32? = nil
    ) throws(CompressionError) -> ByteBuffer {
        var size = 0
        for r in records { size += r.encodedSize }
        let codec = header.compression
        var out: ByteBuffer
        if codec == .none {
            out = allocator.buffer(capacity: RecordBatchHeader.size + size)
            out.moveWriterIndex(forwardBy: RecordBatchHeader.size)
            for r in records { r.encode(into: &out) }
        } else {
            var section = allocator.buffer(capacity: size)
            for r in records { r.encode(into: &section) }
            let compressed = try Compression.compress(section, codec: codec, level: compressionLevel, allocator: allocator)
            out = allocator.buffer(capacity: RecordBatchHeader.size + compressed.readableBytes)
            out.moveWriterIndex(forwardBy: RecordBatchHeader.size)
            out.writeImmutableBuffer(compressed)
        }
        var h = header
        h.magic = RecordBatchHeader.currentMagic
        h.recordCount = Int32(truncatingIfNeeded: records.count)
        h.batchLength = Int32(truncatingIfNeeded: out.readableBytes - RecordBatchHeader.logOverhead)
        h.crc = 0
        var headerBytes = allocator.buffer(capacity: RecordBatchHeader.size)
        h.write(into: &headerBytes)
        out.setBuffer(headerBytes, at: out.readerIndex)
        RecordBatchHeader.updateCRC(in: &out, at: out.readerIndex)
        return out
    }
}
