import NIOCore

/// A legacy message set turned into one RecordBatch v2, as Kafka 3.x's LogValidator converts
/// magic 0/1 produce data for a v2 log, plus what the set declared that the broker's checks need.
public struct LegacyUpconversion: Sendable {
    /// One batch: base offset 0 (the log assigns offsets), CreateTime, no producer id, no
    /// headers; magic 0 messages get timestamp -1 (NO_TIMESTAMP), magic 1 keep theirs.
    public var batch: ByteBuffer
    /// The set's magic (0 or 1).
    public var magic: Int8
    /// The wrapper's codec, `.none` for an uncompressed set (`compression.type=producer` keeps it).
    public var sourceCompression: CompressionCodec
    /// Whether a message as sent declares LogAppendTime (Kafka refuses that on a LogAppendTime topic).
    public var claimsLogAppendTime: Bool
    /// Whether a message declaring LogAppendTime has no timestamp (-1), which Kafka refuses on any topic.
    public var claimsLogAppendTimeWithoutTimestamp: Bool
    /// Records in `batch`.
    public var recordCount: Int
}

extension LegacyMessageSetReader {
    /// Reads the whole set and writes its messages, in order, as the records of one v2 batch
    /// compressed with `codec` (nil: the set's own codec). Records are encoded as they are read,
    /// so no array of messages is built.
    public static func upconvert(
        _ set: ByteBuffer, codec: CompressionCodec?, maxMessageSize: Int, maxDecompressedSize: Int,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(LegacyMessageSetError) -> LegacyUpconversion {
        var reader = LegacyMessageSetReader(set, maxMessageSize: maxMessageSize, maxDecompressedSize: maxDecompressedSize)
        var section = allocator.buffer(capacity: set.readableBytes)
        var count: Int32 = 0
        var baseTimestamp: Int64 = -1
        var maxTimestamp: Int64 = -1
        var claimWithoutTimestamp = false
        while let message = try reader.next() {
            if message.timestampType == .logAppendTime && message.timestamp == -1 { claimWithoutTimestamp = true }
            guard count < Int32.max else { throw .invalidRecord("more than \(Int32.max) messages") }
            if count == 0 {
                baseTimestamp = message.timestamp
                maxTimestamp = message.timestamp
            } else {
                maxTimestamp = max(maxTimestamp, message.timestamp)
            }
            // Deltas wrap for timestamps far apart; the reader adds them back with the same wrap.
            Record(offsetDelta: count, timestampDelta: message.timestamp &- baseTimestamp,
                   key: message.key, value: message.value).encode(into: &section)
            count += 1
        }
        guard count > 0, let magic = reader.magic else { throw .invalidRecord("Record batch has no batches at all") }
        let target = codec ?? reader.compression
        var out: ByteBuffer
        if target == .none {
            out = allocator.buffer(capacity: RecordBatchHeader.size + section.readableBytes)
            out.moveWriterIndex(forwardBy: RecordBatchHeader.size)
            out.writeBuffer(&section)
        } else {
            let compressed: ByteBuffer
            do throws(CompressionError) {
                compressed = try Compression.compress(section, codec: target, allocator: allocator)
            } catch {
                throw .decompression(error)
            }
            out = allocator.buffer(capacity: RecordBatchHeader.size + compressed.readableBytes)
            out.moveWriterIndex(forwardBy: RecordBatchHeader.size)
            out.writeImmutableBuffer(compressed)
        }
        guard let batchLength = Int32(exactly: out.readableBytes - RecordBatchHeader.logOverhead) else {
            throw .tooLarge(out.readableBytes)
        }
        let header = RecordBatchHeader(
            baseOffset: 0, batchLength: batchLength, attributes: Int16(target.rawValue), lastOffsetDelta: count - 1,
            baseTimestamp: baseTimestamp, maxTimestamp: maxTimestamp, recordCount: count)
        var headerBytes = allocator.buffer(capacity: RecordBatchHeader.size)
        header.write(into: &headerBytes)
        out.setBuffer(headerBytes, at: out.readerIndex)
        RecordBatchHeader.updateCRC(in: &out, at: out.readerIndex)
        return LegacyUpconversion(batch: out, magic: magic, sourceCompression: reader.compression,
                                  claimsLogAppendTime: reader.claimsLogAppendTime,
                                  claimsLogAppendTimeWithoutTimestamp: claimWithoutTimestamp, recordCount: Int(count))
    }
}
