import CCRC32C
import NIOCore

/// CRC32C (Castagnoli) checksum, the one RecordBatch v2 carries over its attributes..records span.
public enum CRC32C {
    /// Checksum of `bytes`, optionally continuing from an earlier `crc`.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        brook_crc32c_update(crc, bytes.baseAddress, bytes.count)
    }

    /// Checksum of the readable bytes of `buffer` (reader index untouched).
    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        buffer.withUnsafeReadableBytes { checksum($0) }
    }

    /// Checksum of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Checksum through the portable table path only, whatever the CPU (for tests and comparison).
    public static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        brook_crc32c_update_software(crc, bytes.baseAddress, bytes.count)
    }

    /// Whether the SSE4.2 instruction is used on this CPU.
    public static var isHardwareAccelerated: Bool { brook_crc32c_hardware() != 0 }
}
