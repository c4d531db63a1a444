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

    /// `batch` re-encoded with `codec` (same offsets, timestamps, producer fields), or as is when it already uses it.
    static func recompress(_ batch: ValidatedBatch, to codec: CompressionCodec, maxDecompressedSize: Int) throws -> ByteBuffer {
        guard batch.header.compression != codec else { return batch.buffer }
        var decoded = try RecordBatch.decode(batch.buffer, maxDecompressedSize: maxDecompressedSize)
        decoded.header.attributes = (decoded.header.attributes & ~0x07) | Int16(codec.rawValue)
        return try decoded.encode()
    }
}
