import NIOCore

/// KAFKA-3160: Kafka clients before 0.10 (and librdkafka for magic 0) computed the LZ4 frame
/// header checksum over the frame's magic number as well as its descriptor. Kafka therefore
/// ignores that checksum for magic 0 wrappers; liblz4 cannot be told to, so the byte is rewritten
/// to the correct value before decoding.
enum LegacyLZ4Frame {
    /// LZ4 frame magic number 0x184D2204, little-endian.
    static let magic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]

    /// `frame` with its header checksum byte recomputed (lz4 frame format: HC is the second byte of
    /// XXH32 over FLG..end of the optional fields). Input that is not an LZ4 frame header is
    /// returned unchanged, so the decoder reports it.
    static func withCorrectHeaderChecksum(_ frame: ByteBuffer) -> ByteBuffer {
        guard let head = frame.getBytes(at: frame.readerIndex, length: min(frame.readableBytes, 6)),
              head.count == 6, Array(head[0..<4]) == magic else { return frame }
        let flags = head[4]
        // FLG bit 3: 8-byte content size follows BD; bit 0: 4-byte dictionary id follows.
        let descriptorLength = 2 + (flags & 0x08 != 0 ? 8 : 0) + (flags & 0x01 != 0 ? 4 : 0)
        let checksumIndex = frame.readerIndex + 4 + descriptorLength
        guard frame.readableBytes > 4 + descriptorLength,
              let descriptor = frame.getBytes(at: frame.readerIndex + 4, length: descriptorLength) else { return frame }
        let checksum = UInt8(truncatingIfNeeded: XXH32.shortHash(descriptor) >> 8)
        guard frame.getInteger(at: checksumIndex, as: UInt8.self) != checksum else { return frame }
        var fixed = ByteBuffer()
        fixed.writeImmutableBuffer(frame)
        fixed.setInteger(checksum, at: fixed.readerIndex + 4 + descriptorLength)
        return fixed
    }

    /// Replaces the header checksum (HC) byte of an LZ4 frame without content size or dictionary id
    /// (7-byte header) by the second byte of XXH32 over the magic, FLG and BD bytes, where the LZ4
    /// spec hashes only FLG and BD: what Kafka writes, and old clients expect, for magic 0.
    static func breakHeaderChecksum(_ frame: inout ByteBuffer) {
        let start = frame.readerIndex
        guard frame.readableBytes >= 7, let flags = frame.getInteger(at: start + 4, as: UInt8.self),
              flags & 0x09 == 0, let header = frame.getBytes(at: start, length: 6) else { return }
        frame.setInteger(UInt8(truncatingIfNeeded: XXH32.shortHash(header) >> 8), at: start + 6)
    }
}
