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
}

/// XXH32 with seed 0 for inputs under 16 bytes (an LZ4 frame descriptor is at most 14), from the
/// xxHash specification: no stripes, only the tail rounds and the final avalanche.
enum XXH32 {
    static let prime1: UInt32 = 2_654_435_761
    static let prime2: UInt32 = 2_246_822_519
    static let prime3: UInt32 = 3_266_489_917
    static let prime4: UInt32 = 668_265_263
    static let prime5: UInt32 = 374_761_393

    /// Hash of `bytes` (count < 16; longer input is a caller bug, answered with 0 rather than a trap).
    static func shortHash(_ bytes: [UInt8]) -> UInt32 {
        guard bytes.count < 16 else { return 0 }
        var hash = prime5 &+ UInt32(bytes.count)
        var index = 0
        while bytes.count - index >= 4 {
            let lane = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                | UInt32(bytes[index + 3]) << 24
            hash = rotateLeft(hash &+ lane &* prime3, 17) &* prime4
            index += 4
        }
        while index < bytes.count {
            hash = rotateLeft(hash &+ UInt32(bytes[index]) &* prime5, 11) &* prime1
            index += 1
        }
        hash ^= hash >> 15
        hash = hash &* prime2
        hash ^= hash >> 13
        hash = hash &* prime3
        hash ^= hash >> 16
        return hash
    }

    private static func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}
