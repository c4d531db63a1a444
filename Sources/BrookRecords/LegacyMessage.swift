import NIOCore

/// One message of a legacy message set (magic 0 or 1), as the protocol guide's "Message sets"
/// section lays it out: offset int64, message_size int32, then crc uint32, magic int8,
/// attributes int8, timestamp int64 (magic 1 only), key bytes, value bytes (int32 length, -1 = null).
public struct LegacyMessage: Sendable, Hashable {
    /// Smallest message_size of magic 0 (crc, magic, attributes, two lengths), Kafka's RECORD_OVERHEAD_V0.
    public static let minimumSizeV0 = 14
    /// Smallest message_size of magic 1 (the timestamp added), Kafka's RECORD_OVERHEAD_V1.
    public static let minimumSizeV1 = 22
    /// offset and message_size before each message.
    public static let logOverhead = 12

    /// As sent: producers write 0 or a sequence; inside a magic 1 wrapper, the absolute offset
    /// computed from the wrapper's (Kafka's rule). The broker assigns its own either way.
    public var offset: Int64
    public var magic: Int8
    public var attributes: Int8
    /// Magic 1: the producer's timestamp, or the wrapper's when the wrapper says LogAppendTime;
    /// magic 0: -1 (NO_TIMESTAMP).
    public var timestamp: Int64
    public var key: ByteBuffer?
    public var value: ByteBuffer?

    public init(offset: Int64, magic: Int8, attributes: Int8, timestamp: Int64, key: ByteBuffer?, value: ByteBuffer?) {
        self.offset = offset
        self.magic = magic
        self.attributes = attributes
        self.timestamp = timestamp
        self.key = key
        self.value = value
    }

    /// Attribute bits 0–2: 0 none, 1 gzip, 2 snappy, 3 lz4 (4, zstd, is refused below magic 2).
    public var compressionBits: Int8 { attributes & 0x07 }

    /// Attribute bit 3, meaningful from magic 1 on.
    public var timestampType: TimestampType {
        magic >= 1 && attributes & 0x08 != 0 ? .logAppendTime : .createTime
    }
}

/// Why a legacy message set was refused. `kafkaErrorCode` maps each case to what Kafka 3.x answers.
public enum LegacyMessageSetError: Error, Sendable, Hashable {
    /// The set ends inside an entry (CORRUPT_MESSAGE, as a v2 partial batch is in Brook).
    case truncated(needed: Int, available: Int)
    /// message_size below the magic's minimum, or key/value lengths that do not fill the message
    /// exactly (CORRUPT_MESSAGE; Kafka: CorruptRecordException).
    case malformed(String)
    /// An entry (log overhead included) above `max.message.bytes` (MESSAGE_TOO_LARGE).
    case tooLarge(Int)
    /// CRC32 over magic..value mismatch (CORRUPT_MESSAGE).
    case corrupt(expected: UInt32, actual: UInt32)
    /// Magic outside 0...2 (CORRUPT_MESSAGE; Kafka: "Invalid magic found in record").
    case invalidMagic(Int8)
    /// Codec bits 5–7 (CORRUPT_MESSAGE, as for v2 batches).
    case invalidCompression(Int8)
    /// zstd (codec 4) below magic 2 (UNSUPPORTED_COMPRESSION_TYPE).
    case unsupportedCompression(String)
    /// A rule of Kafka's legacy iterators or LogValidator (INVALID_RECORD): mixed magics, a
    /// compressed wrapper beside other entries, nested compression, an empty or null wrapper, a
    /// magic 1 wrapper offset below its last inner offset.
    case invalidRecord(String)
    /// The wrapper's value could not be decompressed (over the cap: MESSAGE_TOO_LARGE, else CORRUPT_MESSAGE).
    case decompression(CompressionError)

    /// Kafka error code for this failure.
    public var kafkaErrorCode: Int16 {
        switch self {
        case .truncated, .malformed, .corrupt, .invalidMagic, .invalidCompression: return 2
        case .tooLarge: return 10
        case .unsupportedCompression: return 76
        case .invalidRecord: return 87
        case .decompression(let error):
            if case .outputTooLarge = error { return 10 }
            return 2
        }
    }
}
