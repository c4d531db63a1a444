import NIOCore

extension RecordBatch {
    /// The batch at the reader index of `buffer` with its records section re-compressed with
    /// `codec`: same header fields (offsets, timestamps, producer fields), new attributes, length
    /// and CRC. Every record is read once to check its framing, one at a time; the records are never
    /// re-encoded. A batch already using `codec` is returned as is.
    public static func recompressed(_ buffer: ByteBuffer, to codec: CompressionCodec, maxDecompressedSize: Int,
                                    allocator: ByteBufferAllocator = ByteBufferAllocator()) throws -> ByteBuffer {
        var reader = try BatchRecordReader(buffer, maxDecompressedSize: maxDecompressedSize, whole: true)
        guard reader.header.compression != codec else {
            return buffer.getSlice(at: buffer.readerIndex, length: reader.header.totalSize)!
        }
        while try reader.next() != nil {}
        let body = try Compression.compress(reader.section ?? ByteBuffer(), codec: codec, allocator: allocator)
        var header = reader.header
        header.attributes = (header.attributes & ~0x07) | Int16(codec.rawValue)
        header.batchLength = Int32(truncatingIfNeeded: RecordBatchHeader.size + body.readableBytes - RecordBatchHeader.logOverhead)
        header.crc = 0
        var out = allocator.buffer(capacity: RecordBatchHeader.size + body.readableBytes)
        header.write(into: &out)
        out.writeImmutableBuffer(body)
        RecordBatchHeader.updateCRC(in: &out, at: out.readerIndex)
        return out
    }
}
