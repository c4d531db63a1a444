import NIOCore

// Kafka's record fields use zigzag-encoded base-128 varints ("varint" for int32, "varlong" for
// int64), as in Protocol Buffers. Facts from the Kafka protocol guide, "Record" section.

/// Zigzag varint arithmetic shared by the record encoder and the raw-pointer reader.
@usableFromInline
enum Varint {
    @inlinable
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    @inlinable
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    /// Bytes needed to encode `v` (after zigzag) as a varint.
    @inlinable
    static func size(_ v: Int64) -> Int {
        let u = zigzag(v)
        // One byte per started group of 7 bits, at least one.
        let bits = 64 - (u | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }
}

extension ByteBuffer {
    /// Writes `v` as a zigzag varint/varlong (Kafka's signed varint encoding).
    @inlinable
    mutating func writeZigZag(_ v: Int64) {
        var u = Varint.zigzag(v)
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { out in
            var n = 0
            while u >= 0x80 {
                out[n] = UInt8(truncatingIfNeeded: u) | 0x80
                u >>= 7
                n += 1
            }
            out[n] = UInt8(truncatingIfNeeded: u)
            return n + 1
        }
    }
}

/// A bounds-checked forward reader over raw bytes; every read returns nil instead of trapping.
@usableFromInline
struct RawCursor {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position: Int

    @inlinable
    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    @inlinable
    var remaining: Int { bytes.count - position }

    @inlinable
    mutating func readUInt8() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads an unsigned base-128 value of at most `maxBytes` bytes.
    @inlinable
    mutating func readUnsigned(maxBytes: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = 0
        while i < maxBytes {
            guard position < bytes.count else { return nil }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            i += 1
        }
        return nil  // too long
    }

    /// Zigzag varint (int32): at most 5 bytes.
    @inlinable
    mutating func readVarint() -> Int32? {
        guard let u = readUnsigned(maxBytes: 5) else { return nil }
        return Int32(truncatingIfNeeded: Varint.unzigzag(UInt64(UInt32(truncatingIfNeeded: u))))
    }

    /// Zigzag varlong (int64): at most 10 bytes.
    @inlinable
    mutating func readVarlong() -> Int64? {
        guard let u = readUnsigned(maxBytes: 10) else { return nil }
        return Varint.unzigzag(u)
    }

    /// Skips `n` bytes; false (and no move) when fewer remain.
    @inlinable
    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, n <= remaining else { return false }
        position += n
        return true
    }
}
