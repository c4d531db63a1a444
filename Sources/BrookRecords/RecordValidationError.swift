/// Why a record batch (or a produce `records` blob) was rejected. Map to Kafka error codes with
/// `kafkaErrorCode` at the protocol boundary.
///
/// Mapping (Kafka error codes; choices follow what Kafka's ProduceRequest/LogValidator raise):
/// - `truncated`, `invalidBatchLength`, `corrupt` → CORRUPT_MESSAGE (2): Kafka raises
///   CorruptRecordException for short/inconsistent batch sizes and CRC mismatches.
/// - `tooLarge` → MESSAGE_TOO_LARGE (10), Kafka's answer above `max.message.bytes`.
/// - `unsupportedMagic` → INVALID_RECORD (87): a Produce v3+ request may only carry magic 2 batches,
///   and Kafka rejects the others with InvalidRecordException. UNSUPPORTED_FOR_MESSAGE_FORMAT (43) is
///   about a topic pinned to an old format, which Brook does not have.
/// - `invalidCompression` → CORRUPT_MESSAGE (2): codec ids 5–7 do not exist, so the batch is malformed.
/// - `invalidRecordCount`, `invalidRecord` → INVALID_RECORD (87), as LogValidator does.
/// - `decompression(.outputTooLarge)` → MESSAGE_TOO_LARGE (10); other decompression failures →
///   CORRUPT_MESSAGE (2).
public enum RecordValidationError: Error, Sendable, Hashable {
    /// Fewer bytes than a header or than the batch's declared length.
    case truncated(needed: Int, available: Int)
    /// batchLength below the 49-byte minimum of a v2 batch.
    case invalidBatchLength(Int32)
    /// Magic byte other than 2.
    case unsupportedMagic(Int8)
    /// CRC32C mismatch.
    case corrupt(expected: UInt32, actual: UInt32)
    /// Whole batch size (log overhead included) above the limit.
    case tooLarge(Int)
    /// Compression bits outside 0–4.
    case invalidCompression(Int16)
    /// recordCount < 1 or lastOffsetDelta != recordCount - 1.
    case invalidRecordCount(recordCount: Int32, lastOffsetDelta: Int32)
    /// A record inside the batch is malformed.
    case invalidRecord(String)
    /// The records section could not be decompressed.
    case decompression(CompressionError)

    /// Kafka error code for this failure (see the type's documentation for the mapping).
    public var kafkaErrorCode: Int16 {
        switch self {
        case .truncated, .invalidBatchLength, .corrupt, .invalidCompression: return 2
        case .tooLarge: return 10
        case .unsupportedMagic, .invalidRecordCount, .invalidRecord: return 87
        case .decompression(let e):
            if case .outputTooLarge = e { return 10 }
            return 2
        }
    }
}
