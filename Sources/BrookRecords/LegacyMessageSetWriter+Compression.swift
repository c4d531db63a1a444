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
                if magic == 0 { breakDescriptorChecksum(&frame) }
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

    /// Replaces the header checksum (HC) byte of an LZ4 frame without content size or dictionary id
    /// (flags byte 0x60 family, 7-byte header) by the second byte of XXH32 over the magic, FLG and
    /// BD bytes, where the LZ4 spec hashes only FLG and BD.
    static func breakDescriptorChecksum(_ frame: inout ByteBuffer) {
        let start = frame.readerIndex
        guard frame.readableBytes >= 7, let flags = frame.getInteger(at: start + 4, as: UInt8.self),
              flags & 0x09 == 0 else { return }
        let header = frame.getBytes(at: start, length: 6)!
        frame.setInteger(UInt8(truncatingIfNeeded: XXH32.hash(header) >> 8), at: start + 6)
    }
}

/// XXH32 with seed 0, for the few bytes of an LZ4 frame descriptor (the LZ4 frame format's HC is
/// `(XXH32(descriptor) >> 8) & 0xFF`).
enum XXH32 {
    private static let p1: UInt32 = 2_654_435_761
    private static let p2: UInt32 = 2_246_822_519
    private static let p3: UInt32 = 3_266_489_917
    private static let p4: UInt32 = 668_265_263
    private static let p5: UInt32 = 374_761_393

    /// Inputs of fewer than 16 bytes only: enough for a frame descriptor.
    static func hash(_ bytes: [UInt8]) -> UInt32 {
        precondition(bytes.count < 16, "XXH32 here covers short inputs only")
        var h = p5 &+ UInt32(bytes.count)
        var i = 0
        while i + 4 <= bytes.count {
            let word = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            h = rotl(h &+ word &* p3, 17) &* p4
            i += 4
        }
        while i < bytes.count {
            h = rotl(h &+ UInt32(bytes[i]) &* p5, 11) &* p1
            i += 1
        }
        h ^= h >> 15
        h = h &* p2
        h ^= h >> 13
        h = h &* p3
        h ^= h >> 16
        return h
    }

    private static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }
}
