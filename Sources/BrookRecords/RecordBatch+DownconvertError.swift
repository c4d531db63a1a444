/// Why a RecordBatch v2 could not be turned into legacy messages.
public enum DownconversionError: Error, Sendable, Equatable {
    /// zstd exists only from magic 2 on (Kafka answers UNSUPPORTED_COMPRESSION_TYPE).
    case unsupportedCompression
    /// The stored batch is corrupt or over the decompression cap.
    case invalidBatch(RecordValidationError)
    /// Re-compressing the inner message set failed.
    case compression(CompressionError)
}
