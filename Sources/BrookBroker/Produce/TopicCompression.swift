import BrookRecords
import NIOCore

/// `compression.type` on the produce path: "producer" keeps the client's codec; a named codec
/// ("uncompressed", "gzip", "snappy", "lz4", "zstd") rewrites batches that use another one.
enum TopicCompression {
    /// The codec batches must be stored with, or nil to keep the producer's.
    static func target(_ setting: String?) -> CompressionCodec? {
        switch setting {
        case "uncompressed": return CompressionCodec.none
        case "gzip": return .gzip
        case "snappy": return .snappy
        case "lz4": return .lz4
        case "zstd": return .zstd
        default: return nil
        }
    }

    /// `batch` with its records section compressed with `codec` (same offsets, timestamps, producer
    /// fields), or as is when it already uses it. The records are streamed, never materialised.
    static func recompress(_ batch: ValidatedBatch, to codec: CompressionCodec, maxDecompressedSize: Int) throws -> ByteBuffer {
        guard batch.header.compression != codec else { return batch.buffer }
        return try RecordBatch.recompressed(batch.buffer, to: codec, maxDecompressedSize: maxDecompressedSize)
    }
}
