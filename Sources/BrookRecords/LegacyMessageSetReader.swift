import NIOCore

/// Walks a legacy message set (magic 0 or 1) one message at a time, checking what Kafka's legacy
/// batch iterators and LogValidator check: framing, CRC32 of every message (inner ones included),
/// one magic for the whole set, and for a compressed set exactly one wrapper whose value holds an
/// uncompressed inner set of the same magic (one level only). A wrapper's inner messages are
/// returned in its place.
///
/// Bounded: an entry larger than `maxMessageSize` is refused before being looked at, a wrapper is
/// decompressed to at most `maxDecompressedSize` bytes, keys and values are slices of the input.
public struct LegacyMessageSetReader: Sendable {
    private let set: ByteBuffer
    private var position: Int
    private let start: Int
    private let end: Int
    private let maxMessageSize: Int
    private let maxDecompressedSize: Int
    private var inner: Inner?

    /// The magic of the set (of its first message), once one was read.
    public private(set) var magic: Int8?
    /// The wrapper's codec, `.none` for an uncompressed set.
    public private(set) var compression: CompressionCodec = .none
    /// Whether a message as sent (a wrapper, or an uncompressed message) declares LogAppendTime.
    public private(set) var claimsLogAppendTime = false
    /// Messages returned so far.
    public private(set) var count = 0

    /// The inner set of the wrapper being walked.
    private struct Inner: Sendable {
        var buffer: ByteBuffer
        var position: Int
        var wrapper: LegacyMessage
        /// Magic 1: added to the relative inner offsets (Kafka's absoluteBaseOffset).
        var baseOffset: Int64
    }

    /// A reader over the readable bytes of `set`.
    public init(_ set: ByteBuffer, maxMessageSize: Int, maxDecompressedSize: Int) {
        self.set = set
        start = set.readerIndex
        position = set.readerIndex
        end = set.writerIndex
        self.maxMessageSize = maxMessageSize
        self.maxDecompressedSize = max(0, maxDecompressedSize)
    }

    /// The next message, nil at the end of the set.
    public mutating func next() throws(LegacyMessageSetError) -> LegacyMessage? {
        if inner != nil {
            if let message = try nextInner() { return message }
            inner = nil
        }
        guard position < end else { return nil }
        let entryStart = position
        let (offset, bytes) = try Self.entry(in: set, at: position, end: end, maxEntrySize: maxMessageSize)
        position += LegacyMessage.logOverhead + bytes.readableBytes
        let entryMagic = bytes.getInteger(at: bytes.readerIndex + 4, as: Int8.self) ?? -1
        try checkMagic(entryMagic)
        let message = try Self.message(in: bytes, offset: offset)
        if message.timestampType == .logAppendTime { claimsLogAppendTime = true }
        guard message.compressionBits != 0 else {
            count += 1
            return message
        }
        // Kafka's LogValidator: a compressed set is one wrapper and nothing else.
        guard entryStart == start, position == end else {
            throw .invalidRecord("Compressed outer record has more than one batch")
        }
        try openWrapper(message)
        return try nextInner()
    }

    private mutating func checkMagic(_ entryMagic: Int8) throws(LegacyMessageSetError) {
        guard (0...2).contains(entryMagic) else { throw .invalidMagic(entryMagic) }
        if let magic {
            guard entryMagic == magic else {
                throw .invalidRecord("Batch magic \(entryMagic) is not the same as the first batch's magic byte \(magic)")
            }
        } else {
            guard entryMagic < 2 else { throw .invalidRecord("Batch magic 2 is not a legacy message set") }
            magic = entryMagic
        }
    }

    /// Decompresses `wrapper`'s value and checks its inner set's offsets before any is returned.
    private mutating func openWrapper(_ wrapper: LegacyMessage) throws(LegacyMessageSetError) {
        switch wrapper.compressionBits {
        case 1: compression = .gzip
        case 2: compression = .snappy
        case 3: compression = .lz4
        case 4: throw .unsupportedCompression("zstd compression is not allowed with message format magic \(wrapper.magic)")
        default: throw .invalidCompression(wrapper.compressionBits)
        }
        guard var input = wrapper.value else {
            throw .invalidRecord("Found invalid compressed record set with null value (magic = \(wrapper.magic))")
        }
        if compression == .lz4 && wrapper.magic == 0 { input = LegacyLZ4Frame.withCorrectHeaderChecksum(input) }
        let decompressed: ByteBuffer
        do throws(CompressionError) {
            decompressed = try Compression.decompress(input, codec: compression, maxOutput: maxDecompressedSize)
        } catch {
            throw .decompression(error)
        }
        // Magic 1 offsets are relative to a base only known from the last inner offset (Kafka
        // reads the whole inner set first for the same reason); framing only, CRCs come later.
        var scan = decompressed.readerIndex
        var lastInnerOffset: Int64?
        while scan < decompressed.writerIndex {
            let (offset, bytes) = try Self.entry(in: decompressed, at: scan, end: decompressed.writerIndex,
                                                 maxEntrySize: Int.max)
            lastInnerOffset = offset
            scan += LegacyMessage.logOverhead + bytes.readableBytes
        }
        guard let lastInnerOffset else { throw .invalidRecord("Found invalid compressed record set with no inner records") }
        var baseOffset: Int64 = 0
        // librdkafka sends wrapper offset 0, which Kafka accepts as base 0.
        if wrapper.magic == 1 && wrapper.offset != 0 {
            guard wrapper.offset >= lastInnerOffset else {
                throw .invalidRecord("Found invalid wrapper offset in compressed v1 message set, wrapper offset " +
                    "'\(wrapper.offset)' is less than the last inner message offset '\(lastInnerOffset)' and it is not zero.")
            }
            baseOffset = wrapper.offset &- lastInnerOffset
        }
        inner = Inner(buffer: decompressed, position: decompressed.readerIndex, wrapper: wrapper, baseOffset: baseOffset)
    }

    private mutating func nextInner() throws(LegacyMessageSetError) -> LegacyMessage? {
        guard var state = inner, state.position < state.buffer.writerIndex else { return nil }
        let (offset, bytes) = try Self.entry(in: state.buffer, at: state.position, end: state.buffer.writerIndex,
                                             maxEntrySize: Int.max)
        state.position += LegacyMessage.logOverhead + bytes.readableBytes
        inner = state
        let wrapper = state.wrapper
        let innerMagic = bytes.getInteger(at: bytes.readerIndex + 4, as: Int8.self) ?? -1
        guard innerMagic == wrapper.magic else {
            throw .invalidRecord("Compressed message magic \(innerMagic) does not match wrapper magic \(wrapper.magic)")
        }
        var message = try Self.message(in: bytes, offset: offset)
        guard message.compressionBits == 0 else {
            throw .invalidRecord("Compressed outer record should not have an inner record with a compression attribute set")
        }
        if wrapper.magic == 1 {
            message.offset = state.baseOffset.saturatingAdd(offset)
            // A LogAppendTime wrapper's timestamp and type stand for all its messages (Kafka's LegacyRecord).
            if wrapper.timestampType == .logAppendTime {
                message.timestamp = wrapper.timestamp
                message.attributes |= 0x08
            }
        }
        count += 1
        return message
    }

    /// The entry at `position`: its offset and exactly its message bytes (crc to the end of the value).
    static func entry(in buffer: ByteBuffer, at position: Int, end: Int,
                      maxEntrySize: Int) throws(LegacyMessageSetError) -> (Int64, ByteBuffer) {
        let available = end - position
        guard available >= LegacyMessage.logOverhead,
              let offset = buffer.getInteger(at: position, as: Int64.self),
              let size = buffer.getInteger(at: position + 8, as: Int32.self) else {
            throw .truncated(needed: LegacyMessage.logOverhead, available: max(0, available))
        }
        guard Int(size) >= LegacyMessage.minimumSizeV0 else {
            throw .malformed("Record size \(size) is less than the minimum record overhead (\(LegacyMessage.minimumSizeV0))")
        }
        let total = LegacyMessage.logOverhead + Int(size)
        guard total <= maxEntrySize else { throw .tooLarge(total) }
        guard total <= available, let bytes = buffer.getSlice(at: position + LegacyMessage.logOverhead, length: Int(size)) else {
            throw .truncated(needed: total, available: available)
        }
        return (offset, bytes)
    }

    /// Decodes one message (crc to the end of the value, magic 0 or 1) after checking its CRC.
    static func message(in bytes: ByteBuffer, offset: Int64) throws(LegacyMessageSetError) -> LegacyMessage {
        let base = bytes.readerIndex
        let end = bytes.writerIndex
        guard let crc = bytes.getInteger(at: base, as: UInt32.self),
              let magic = bytes.getInteger(at: base + 4, as: Int8.self),
              let attributes = bytes.getInteger(at: base + 5, as: Int8.self) else {
            throw .malformed("message shorter than its header")
        }
        guard magic == 0 || magic == 1 else { throw .invalidMagic(magic) }
        let minimum = magic == 0 ? LegacyMessage.minimumSizeV0 : LegacyMessage.minimumSizeV1
        guard bytes.readableBytes >= minimum else {
            throw .malformed("Record size \(bytes.readableBytes) is less than the minimum record overhead (\(minimum))")
        }
        let actual = bytes.withUnsafeReadableBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[4...])) }
        guard actual == crc else { throw .corrupt(expected: crc, actual: actual) }
        var position = base + 6
        var timestamp: Int64 = -1
        if magic == 1 {
            timestamp = bytes.getInteger(at: position, as: Int64.self) ?? -1
            position += 8
        }
        let key = try nullableBytes(in: bytes, at: &position, end: end, name: "key")
        let value = try nullableBytes(in: bytes, at: &position, end: end, name: "value")
        guard position == end else { throw .malformed("\(end - position) bytes after the message value") }
        return LegacyMessage(offset: offset, magic: magic, attributes: attributes, timestamp: timestamp, key: key, value: value)
    }

    /// An int32-length-prefixed byte string (-1 = null) that must fit before `end`.
    private static func nullableBytes(in bytes: ByteBuffer, at position: inout Int, end: Int,
                                      name: String) throws(LegacyMessageSetError) -> ByteBuffer? {
        guard end - position >= 4, let length = bytes.getInteger(at: position, as: Int32.self) else {
            throw .malformed("message ends before its \(name) length")
        }
        position += 4
        if length == -1 { return nil }
        guard length >= 0, Int(length) <= end - position, let slice = bytes.getSlice(at: position, length: Int(length)) else {
            throw .malformed("invalid \(name) length \(length)")
        }
        position += Int(length)
        return slice
    }
}
