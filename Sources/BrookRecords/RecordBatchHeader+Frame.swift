import NIOCore

extension RecordBatchHeader {
    /// Smallest legal batchLength: the header after baseOffset and batchLength (61 - 12 bytes).
    public static let minimumBatchLength: Int32 = 49
    /// The magic value of RecordBatch v2, the only one Brook accepts.
    public static let currentMagic: Int8 = 2

    /// Reads a header from the first 61 bytes of `bytes` (caller guarantees the count).
    @inlinable
    init(unsafeBytes b: UnsafeRawBufferPointer) {
        @inline(__always) func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            T(bigEndian: b.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        self.init(
            baseOffset: load(0, Int64.self), batchLength: load(8, Int32.self),
            partitionLeaderEpoch: load(12, Int32.self), magic: load(16, Int8.self), crc: load(17, UInt32.self),
            attributes: load(21, Int16.self), lastOffsetDelta: load(23, Int32.self),
            baseTimestamp: load(27, Int64.self), maxTimestamp: load(35, Int64.self), producerId: load(43, Int64.self),
            producerEpoch: load(51, Int16.self), baseSequence: load(53, Int32.self), recordCount: load(57, Int32.self))
    }

    /// CRC32C over attributes..end of a complete batch held at the start of `bytes` (`size` bytes).
    @inlinable
    static func computeCRC(_ bytes: UnsafeRawBufferPointer, size: Int) -> UInt32 {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[attributesPosition..<size]))
    }

    /// Checks the frame of the batch at the start of `bytes`: header present, batchLength sane,
    /// magic 2, the whole batch present, and (when `verifyCRC`) its CRC. Returns the header.
    @inlinable
    static func checkFrame(
        _ bytes: UnsafeRawBufferPointer, verifyCRC: Bool
    ) -> Result<RecordBatchHeader, RecordValidationError> {
        guard bytes.count >= size else { return .failure(.truncated(needed: size, available: bytes.count)) }
        let header = RecordBatchHeader(unsafeBytes: bytes)
        guard header.batchLength >= minimumBatchLength else { return .failure(.invalidBatchLength(header.batchLength)) }
        guard header.magic == currentMagic else { return .failure(.unsupportedMagic(header.magic)) }
        let total = header.totalSize
        guard total <= bytes.count else { return .failure(.truncated(needed: total, available: bytes.count)) }
        if verifyCRC {
            let actual = computeCRC(bytes, size: total)
            guard actual == header.crc else { return .failure(.corrupt(expected: header.crc, actual: actual)) }
        }
        return .success(header)
    }

    /// Whether the compression bits name a codec Kafka defines (0–4).
    public var hasValidCompression: Bool { compressionBits <= 4 }
}
