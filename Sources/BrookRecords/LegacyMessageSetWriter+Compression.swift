import NIOCore

extension LegacyMessageSetWriter {
    /// Compresses the inner message set of a legacy wrapper the way Kafka's broker writes it.
    ///
    /// gzip is plain. Snappy is in the xerial snappy-java stream framing that the Java clients of
    /// the magic 0/1 era expect (8-byte magic, int32 version 1, int32 compatible version 1, then
    /// [int32 length, raw snappy block] chunks of 32 KiB input). LZ4 is a 64 KiB-block frame; for
    /// magic 0 the frame descriptor checksum is computed, as Kafka does (KAFKA-3160), over the frame
    /// magic as well, which clients reading magic 0 expect or ignore. zstd cannot be expressed
    /// below magic 2.
    public static func compress(_ data: ByteBuffer, codec: CompressionCodec, magic: Int8) throws(DownconversionError) -> ByteBuffer {
        do {
            switch codec {
            case .none, .gzip:
                return try Compression.compress(data, codec: codec)
            case .snappy:
                return try xerialSnappy(data)
            case .lz4:
                var frame = try Compression.compress(data, codec: .lz4)
                if magic == 0 { LegacyLZ4Frame.breakHeaderChecksum(&frame) }
                return frame
            case .zstd:
                throw DownconversionError.unsupportedCompression
            }
        } catch let error as DownconversionError {
            throw error
        } catch let error as CompressionError {
            throw .compression(error)
        } catch {
            throw .compression(.libraryError("\(error)"))
        }
    }

    static let xerialChunk = 32 * 1024

    private static func xerialSnappy(_ data: ByteBuffer) throws(CompressionError) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeBytes(Snappy.xerialMagic)
        out.writeInteger(Int32(1))
        out.writeInteger(Int32(1))
        var rest = data
        repeat {
            let chunk = rest.readSlice(length: min(xerialChunk, rest.readableBytes))!
            let block = try Compression.compress(chunk, codec: .snappy)
            out.writeInteger(Int32(block.readableBytes))
            out.writeImmutableBuffer(block)
        } while rest.readableBytes > 0
        return out
    }
}
