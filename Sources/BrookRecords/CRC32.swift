import CZlib
import NIOCore

/// CRC-32 (IEEE 802.3, zlib's `crc32`), the checksum of legacy messages (magic 0 and 1), which
/// covers each message from its magic byte to the end of its value.
public enum CRC32 {
    /// Checksum of `bytes`, optionally continuing from an earlier `crc`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = UInt(crc)
        var rest = bytes
        // zlib's length parameter is 32-bit: feed huge inputs in slices.
        while !rest.isEmpty {
            let count = min(rest.count, Int(UInt32.max >> 1))
            crc = crc32(crc, rest.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(count))
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Checksum of the readable bytes of `buffer` (reader index untouched).
    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        buffer.withUnsafeReadableBytes { checksum($0) }
    }

    /// Checksum of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
