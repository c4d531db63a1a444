import NIOCore

/// Encodes legacy messages (magic 0 and 1), the format Fetch v0–3 answers with.
///
/// Layout (Kafka protocol guide, "Message sets"): offset int64, message_size int32, then the
/// message: crc uint32, magic int8, attributes int8, timestamp int64 (magic 1 only), key bytes,
/// value bytes (int32 length, -1 for null). The CRC-32 (IEEE) covers magic through the value.
/// Attributes: bits 0–2 the codec of a wrapper's value, bit 3 LogAppendTime (magic 1 only).
public enum LegacyMessageSetWriter {
    /// offset int64 + message_size int32, before every message.
    public static let logOverhead = 12
    static let timestampTypeBit: Int8 = 0x08

    /// Bytes of one message after its 12-byte log overhead (`message_size`).
    public static func messageSize(magic: Int8, keyCount: Int?, valueCount: Int?) -> Int {
        // crc + magic + attributes (+ timestamp) + key length + value length.
        (magic >= 1 ? 22 : 14) + (keyCount ?? 0) + (valueCount ?? 0)
    }

    /// Bytes of one message including its log overhead.
    public static func entrySize(magic: Int8, key: ByteBuffer?, value: ByteBuffer?) -> Int {
        logOverhead + messageSize(magic: magic, keyCount: key?.readableBytes, valueCount: value?.readableBytes)
    }

    /// Appends one message. `codec` is the wrapper codec (`.none` for plain messages); the
    /// timestamp and the LogAppendTime bit are written only for magic 1.
    public static func writeMessage(
        into buffer: inout ByteBuffer, magic: Int8, offset: Int64, timestamp: Int64, logAppendTime: Bool,
        codec: CompressionCodec = .none, key: ByteBuffer?, value: ByteBuffer?
    ) {
        let size = messageSize(magic: magic, keyCount: key?.readableBytes, valueCount: value?.readableBytes)
        buffer.reserveCapacity(minimumWritableBytes: logOverhead + size)
        buffer.writeInteger(offset)
        buffer.writeInteger(Int32(truncatingIfNeeded: size))
        let crcPosition = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let start = buffer.writerIndex
        var attributes = Int8(truncatingIfNeeded: codec.rawValue) & 0x07
        buffer.writeInteger(magic >= 1 ? Int8(1) : Int8(0))
        if magic >= 1 {
            if logAppendTime { attributes |= timestampTypeBit }
            buffer.writeInteger(attributes)
            buffer.writeInteger(timestamp)
        } else {
            buffer.writeInteger(attributes)
        }
        writeBytes(key, into: &buffer)
        writeBytes(value, into: &buffer)
        let crc = buffer.withUnsafeReadableBytes { all in
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[(start - buffer.readerIndex)...]))
        }
        buffer.setInteger(crc, at: crcPosition)
    }

    private static func writeBytes(_ bytes: ByteBuffer?, into buffer: inout ByteBuffer) {
        guard var bytes else {
            buffer.writeInteger(Int32(-1))
            return
        }
        buffer.writeInteger(Int32(truncatingIfNeeded: bytes.readableBytes))
        buffer.writeBuffer(&bytes)
    }
}
