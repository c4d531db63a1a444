import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// A test-only writer of legacy message sets (protocol guide, "Message sets"), so reader tests
/// can build any shape, valid or not. Brook itself never writes magic 0/1 on the produce path.
enum LegacyTestMessages {
    /// One message body: crc, magic, attributes, [timestamp], key, value.
    static func message(magic: Int8, attributes: Int8 = 0, timestamp: Int64 = 0,
                        key: [UInt8]?, value: [UInt8]?) -> [UInt8] {
        var body = ByteBuffer()
        body.writeInteger(magic)
        body.writeInteger(attributes)
        if magic == 1 { body.writeInteger(timestamp) }
        for field in [key, value] {
            if let field {
                body.writeInteger(Int32(field.count))
                body.writeBytes(field)
            } else {
                body.writeInteger(Int32(-1))
            }
        }
        var out = ByteBuffer()
        out.writeInteger(CRC32.checksum(body))
        out.writeBuffer(&body)
        return out.bytes
    }

    /// offset, message_size, message.
    static func entry(offset: Int64, _ message: [UInt8]) -> [UInt8] {
        var out = ByteBuffer()
        out.writeInteger(offset)
        out.writeInteger(Int32(message.count))
        out.writeBytes(message)
        return out.bytes
    }

    /// An uncompressed set of (key, value, timestamp) messages with offsets from `firstOffset`.
    static func set(magic: Int8, _ messages: [([UInt8]?, [UInt8]?, Int64)], firstOffset: Int64 = 0,
                    attributes: Int8 = 0) -> [UInt8] {
        messages.enumerated().flatMap { i, m in
            entry(offset: firstOffset &+ Int64(i), message(magic: magic, attributes: attributes, timestamp: m.2, key: m.0, value: m.1))
        }
    }

    /// A one-wrapper set whose value is `inner` compressed with `codec` (`xerial` frames snappy as
    /// the Java client does; `brokenLZ4Checksum` writes KAFKA-3160's header checksum).
    static func wrapper(magic: Int8, codec: CompressionCodec, inner: [UInt8], offset: Int64 = 0, timestamp: Int64 = 0,
                        logAppendTime: Bool = false, xerial: Bool = false, brokenLZ4Checksum: Bool = false) throws -> [UInt8] {
        var value = try compress(inner, codec: codec, xerial: xerial)
        if brokenLZ4Checksum && codec == .lz4 { value = kafka3160(value) }
        let attributes = Int8(codec.rawValue) | (logAppendTime ? 0x08 : 0)
        return entry(offset: offset, message(magic: magic, attributes: attributes, timestamp: timestamp, key: nil, value: value))
    }

    static func compress(_ bytes: [UInt8], codec: CompressionCodec, xerial: Bool = false) throws -> [UInt8] {
        let raw = try Compression.compress(ByteBuffer(bytes: bytes), codec: codec).bytes
        guard xerial, codec == .snappy else { return raw }
        // xerial snappy-java stream: magic, version 1, compatible version 1, then [int32 length, block].
        var out = ByteBuffer(bytes: Snappy.xerialMagic)
        out.writeInteger(Int32(1))
        out.writeInteger(Int32(1))
        out.writeInteger(Int32(raw.count))
        out.writeBytes(raw)
        return out.bytes
    }

    /// The LZ4 frame with its header checksum computed over the frame magic too, as pre-0.10
    /// Kafka clients wrote it (KAFKA-3160). Brook's LZ4 frames have a 2-byte descriptor.
    static func kafka3160(_ frame: [UInt8]) -> [UInt8] {
        var out = frame
        out[6] = UInt8(truncatingIfNeeded: XXH32.shortHash(Array(frame[0..<6])) >> 8)
        return out
    }
}

/// The legacy message-set reader: framing, CRC, wrappers of every codec, Kafka's rules, hostile input.
final class LegacyMessageSetReaderTests: XCTestCase {
    private func read(_ bytes: [UInt8], maxMessageSize: Int = 1 << 20,
                      maxDecompressedSize: Int = 1 << 20) throws(LegacyMessageSetError) -> [LegacyMessage] {
        var reader = LegacyMessageSetReader(ByteBuffer(bytes: bytes), maxMessageSize: maxMessageSize,
                                            maxDecompressedSize: maxDecompressedSize)
        var out: [LegacyMessage] = []
        while let message = try reader.next() { out.append(message) }
        return out
    }

    private func error(_ bytes: [UInt8], maxMessageSize: Int = 1 << 20, maxDecompressedSize: Int = 1 << 20,
                       file: StaticString = #filePath, line: UInt = #line) -> LegacyMessageSetError? {
        do {
            let messages = try read(bytes, maxMessageSize: maxMessageSize, maxDecompressedSize: maxDecompressedSize)
            XCTFail("accepted \(messages.count) messages", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private let sample: [([UInt8]?, [UInt8]?, Int64)] = [
        (Array("k0".utf8), Array("v0".utf8), 1_700_000_000_000), (nil, Array("v1".utf8), 1_700_000_000_005),
        (Array("k2".utf8), nil, 1_699_999_999_999), ([], [], 0),
    ]

    private func check(_ messages: [LegacyMessage], magic: Int8, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(messages.count, sample.count, file: file, line: line)
        for (message, expected) in zip(messages, sample) {
            XCTAssertEqual(message.magic, magic, file: file, line: line)
            XCTAssertEqual(message.key?.bytes, expected.0, file: file, line: line)
            XCTAssertEqual(message.value?.bytes, expected.1, file: file, line: line)
            XCTAssertEqual(message.timestamp, magic == 0 ? -1 : expected.2, file: file, line: line)
        }
    }

    func testUncompressedSetsOfBothMagics() throws {
        for magic: Int8 in [0, 1] {
            let messages = try read(LegacyTestMessages.set(magic: magic, sample, firstOffset: 40))
            check(messages, magic: magic)
            XCTAssertEqual(messages.map(\.offset), [40, 41, 42, 43])
        }
    }

    func testWrappersOfEveryLegacyCodecAndBothMagics() throws {
        let shapes: [(CompressionCodec, Bool)] = [(.gzip, false), (.snappy, false), (.snappy, true), (.lz4, false)]
        for magic: Int8 in [0, 1] {
            for (codec, xerial) in shapes {
                let inner = LegacyTestMessages.set(magic: magic, sample)
                let set = try LegacyTestMessages.wrapper(magic: magic, codec: codec, inner: inner, offset: 3, xerial: xerial)
                var reader = LegacyMessageSetReader(ByteBuffer(bytes: set), maxMessageSize: 1 << 20, maxDecompressedSize: 1 << 20)
                var messages: [LegacyMessage] = []
                while let message = try reader.next() { messages.append(message) }
                check(messages, magic: magic)
                XCTAssertEqual(reader.compression, codec)
                XCTAssertEqual(reader.magic, magic)
            }
        }
    }

    func testMagic0LZ4WithKafka3160HeaderChecksumIsRead() throws {
        let inner = LegacyTestMessages.set(magic: 0, sample)
        let proper = try LegacyTestMessages.compress(inner, codec: .lz4)
        XCTAssertNotEqual(LegacyTestMessages.kafka3160(proper)[6], proper[6], "the test needs checksums that differ")
        let set = try LegacyTestMessages.wrapper(magic: 0, codec: .lz4, inner: inner, brokenLZ4Checksum: true)
        check(try read(set), magic: 0)
    }

    /// Kafka fixed its LZ4 framing with magic 1 and checks the header checksum there.
    func testMagic1LZ4WithKafka3160HeaderChecksumIsCorrupt() throws {
        let set = try LegacyTestMessages.wrapper(magic: 1, codec: .lz4, inner: LegacyTestMessages.set(magic: 1, sample),
                                                 brokenLZ4Checksum: true)
        guard case .decompression(let cause) = error(set) else { return XCTFail("not a decompression error") }
        XCTAssertEqual(LegacyMessageSetError.decompression(cause).kafkaErrorCode, 2)
    }

    func testHeaderChecksumFixLeavesAProperFrameAndXXH32MatchesKnownVectors() throws {
        XCTAssertEqual(XXH32.shortHash([]), 0x02CC_5D05)
        XCTAssertEqual(XXH32.shortHash(Array("a".utf8)), 0x550D_7456)
        XCTAssertEqual(XXH32.shortHash(Array("abc".utf8)), 0x32D1_53FF)
        let frame = try LegacyTestMessages.compress(Array(repeating: 7, count: 1000), codec: .lz4)
        XCTAssertEqual(LegacyLZ4Frame.withCorrectHeaderChecksum(ByteBuffer(bytes: frame)).bytes, frame)
        XCTAssertEqual(LegacyLZ4Frame.withCorrectHeaderChecksum(ByteBuffer(bytes: LegacyTestMessages.kafka3160(frame))).bytes, frame)
        XCTAssertEqual(LegacyLZ4Frame.withCorrectHeaderChecksum(ByteBuffer(bytes: [1, 2, 3])).bytes, [1, 2, 3])
    }

    func testMagic1WrapperOffsetsAreRelativeToTheWrapper() throws {
        let inner = LegacyTestMessages.set(magic: 1, sample)  // inner offsets 0...3
        let at9 = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: inner, offset: 9)
        XCTAssertEqual(try read(at9).map(\.offset), [6, 7, 8, 9])
        let at0 = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: inner, offset: 0)
        XCTAssertEqual(try read(at0).map(\.offset), [0, 1, 2, 3], "librdkafka's wrapper offset 0 means base 0")
        let atMax = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: inner, offset: .max)
        XCTAssertEqual(try read(atMax).last?.offset, .max)
        for low: Int64 in [2, -1, .min] {
            let set = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: inner, offset: low)
            XCTAssertEqual(error(set)?.kafkaErrorCode, 87, "wrapper offset \(low)")
        }
        // Magic 0 inner offsets are taken as they are.
        let v0 = try LegacyTestMessages.wrapper(magic: 0, codec: .gzip, inner: LegacyTestMessages.set(magic: 0, sample, firstOffset: .max - 3), offset: 1)
        XCTAssertEqual(try read(v0).map(\.offset), [.max - 3, .max - 2, .max - 1, .max])
    }

    func testLogAppendTimeWrapperLendsItsTimestampToInnerMessages() throws {
        let inner = LegacyTestMessages.set(magic: 1, sample)
        let set = try LegacyTestMessages.wrapper(magic: 1, codec: .snappy, inner: inner, timestamp: 77, logAppendTime: true)
        var reader = LegacyMessageSetReader(ByteBuffer(bytes: set), maxMessageSize: 1 << 20, maxDecompressedSize: 1 << 20)
        var timestamps: [Int64] = []
        while let message = try reader.next() { timestamps.append(message.timestamp) }
        XCTAssertEqual(timestamps, [77, 77, 77, 77])
        XCTAssertTrue(reader.claimsLogAppendTime)
        let createTime = try LegacyTestMessages.wrapper(magic: 1, codec: .snappy, inner: inner, timestamp: 77)
        XCTAssertEqual(try read(createTime).map(\.timestamp), sample.map(\.2))
    }

    func testExtremeTimestampsAndOffsetsAreKept() throws {
        let extremes: [([UInt8]?, [UInt8]?, Int64)] = [(nil, [1], .min), (nil, [2], .max), (nil, [3], -1), (nil, [4], 0)]
        for first: Int64 in [.min, .max - 3, -1] {
            let messages = try read(LegacyTestMessages.set(magic: 1, extremes, firstOffset: first))
            XCTAssertEqual(messages.map(\.timestamp), [.min, .max, -1, 0])
            XCTAssertEqual(messages.first?.offset, first)
        }
    }

    func testCRCMismatchOfAMessageOrOfAnInnerMessageIsCorrupt() throws {
        var set = LegacyTestMessages.set(magic: 1, sample)
        set[set.count - 1] ^= 0x01
        guard case .corrupt = error(set) else { return XCTFail("outer CRC not checked") }
        var inner = LegacyTestMessages.set(magic: 0, sample)
        inner[inner.count - 1] ^= 0x01
        let wrapped = try LegacyTestMessages.wrapper(magic: 0, codec: .gzip, inner: inner)
        guard case .corrupt = error(wrapped) else { return XCTFail("inner CRC not checked") }
        XCTAssertEqual(error(wrapped)?.kafkaErrorCode, 2)
    }

    func testKafkaRulesOnWrappers() throws {
        let inner0 = LegacyTestMessages.set(magic: 0, sample)
        // Nested compression.
        let nested = try LegacyTestMessages.wrapper(magic: 0, codec: .gzip, inner: try LegacyTestMessages.wrapper(
            magic: 0, codec: .gzip, inner: inner0))
        XCTAssertEqual(error(nested), .invalidRecord(
            "Compressed outer record should not have an inner record with a compression attribute set"))
        // Inner magic differs from the wrapper's.
        let mixed = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: inner0)
        XCTAssertEqual(error(mixed), .invalidRecord("Compressed message magic 0 does not match wrapper magic 1"))
        // A wrapper beside another entry, either way round.
        let wrapper = try LegacyTestMessages.wrapper(magic: 0, codec: .gzip, inner: inner0)
        let plain = LegacyTestMessages.set(magic: 0, [(nil, [1], 0)])
        for set in [wrapper + plain, plain + wrapper] {
            XCTAssertEqual(error(set), .invalidRecord("Compressed outer record has more than one batch"))
        }
        // Empty inner set, null wrapper value.
        let empty = LegacyTestMessages.entry(offset: 0, LegacyTestMessages.message(
            magic: 1, attributes: 1, key: nil, value: try LegacyTestMessages.compress([], codec: .gzip)))
        XCTAssertEqual(error(empty), .invalidRecord("Found invalid compressed record set with no inner records"))
        let null = LegacyTestMessages.entry(offset: 0, LegacyTestMessages.message(magic: 1, attributes: 2, key: nil, value: nil))
        XCTAssertEqual(error(null)?.kafkaErrorCode, 87)
        // zstd below magic 2, and codec ids that do not exist.
        let zstd = LegacyTestMessages.entry(offset: 0, LegacyTestMessages.message(
            magic: 1, attributes: 4, key: nil, value: try LegacyTestMessages.compress(inner0, codec: .zstd)))
        XCTAssertEqual(error(zstd)?.kafkaErrorCode, 76)
        for bits: Int8 in 5...7 {
            let bogus = LegacyTestMessages.entry(offset: 0, LegacyTestMessages.message(magic: 0, attributes: bits, key: nil, value: [0]))
            XCTAssertEqual(error(bogus), .invalidCompression(bits))
        }
    }

    func testMagicRules() throws {
        let v0 = LegacyTestMessages.set(magic: 0, [(nil, [1], 0)])
        let v1 = LegacyTestMessages.set(magic: 1, [(nil, [1], 0)])
        XCTAssertEqual(error(v0 + v1), .invalidRecord("Batch magic 1 is not the same as the first batch's magic byte 0"))
        for bad: Int8 in [3, -1, .min, .max] {
            var set = v0
            set[16] = UInt8(bitPattern: bad)
            XCTAssertEqual(error(set), .invalidMagic(bad))
        }
        var v2 = v0
        v2[16] = 2
        XCTAssertEqual(error(v2)?.kafkaErrorCode, 87)
    }

    func testEmptySetHasNoMessages() throws {
        XCTAssertEqual(try read([]), [])
    }

    func testHostileSizesAndLengths() throws {
        let good = LegacyTestMessages.set(magic: 1, [(Array("key".utf8), Array("value".utf8), 5)])
        for size: Int32 in [-1, .min, 0, 13] {
            var set = ByteBuffer(bytes: good)
            set.setInteger(size, at: 8)
            guard case .malformed = error(set.bytes) else { return XCTFail("size \(size) accepted") }
        }
        var huge = ByteBuffer(bytes: good)
        huge.setInteger(Int32.max, at: 8)
        XCTAssertEqual(error(huge.bytes), .tooLarge(12 + Int(Int32.max)))
        XCTAssertEqual(error(huge.bytes, maxMessageSize: .max), .truncated(needed: 12 + Int(Int32.max), available: good.count))
        var long = ByteBuffer(bytes: good)
        long.setInteger(Int32(good.count), at: 8)
        guard case .truncated = error(long.bytes) else { return XCTFail("size past the end not truncated") }
        XCTAssertEqual(error(good, maxMessageSize: good.count - 1), .tooLarge(good.count))
        XCTAssertEqual(try read(good, maxMessageSize: good.count).count, 1)
        // Key/value lengths that lie: the CRC is recomputed so the lengths themselves are judged.
        for (position, length) in [(26, Int32(-2)), (26, Int32.max), (26, Int32.min), (33, Int32(6)), (33, Int32(4))] {
            var message = ByteBuffer(bytes: Array(good[12...]))
            message.setInteger(length, at: position - 12)
            let crc = CRC32.checksum(ByteBuffer(bytes: Array(message.bytes[4...])))
            message.setInteger(crc, at: 0)
            guard case .malformed = error(LegacyTestMessages.entry(offset: 0, message.bytes)) else {
                return XCTFail("length \(length) at \(position) accepted")
            }
        }
        // A magic 1 message shorter than its timestamp.
        var short = LegacyTestMessages.message(magic: 0, key: nil, value: nil)
        short[4] = 1
        var crc = ByteBuffer()
        crc.writeInteger(CRC32.checksum(Array(short[4...])))
        short.replaceSubrange(0..<4, with: crc.bytes)
        guard case .malformed = error(LegacyTestMessages.entry(offset: 0, short)) else { return XCTFail("short v1 accepted") }
    }

    func testDecompressionIsCappedByMaxDecompressedSize() throws {
        let inner = LegacyTestMessages.set(magic: 1, [(nil, Array(repeating: 0, count: 100_000), 1)])
        for codec in [CompressionCodec.gzip, .snappy, .lz4] {
            let set = try LegacyTestMessages.wrapper(magic: 1, codec: codec, inner: inner)
            XCTAssertLessThan(set.count, 10_000)
            XCTAssertEqual(error(set, maxDecompressedSize: 50_000), .decompression(.outputTooLarge(limit: 50_000)))
            XCTAssertEqual(error(set, maxDecompressedSize: 50_000)?.kafkaErrorCode, 10)
            XCTAssertEqual(try read(set, maxDecompressedSize: inner.count).count, 1)
        }
    }

    /// Every proper prefix fails cleanly, except those ending on an entry boundary of an
    /// uncompressed set, which hold the messages before it.
    func testTruncationAtEveryByte() throws {
        let plain = LegacyTestMessages.set(magic: 1, sample)
        var boundaries: [Int: Int] = [0: 0]
        var position = 0
        for i in sample.indices {
            position += 12 + Int(ByteBuffer(bytes: plain).getInteger(at: position + 8, as: Int32.self)!)
            boundaries[position] = i + 1
        }
        for cut in 0..<plain.count {
            let prefix = Array(plain[0..<cut])
            if let count = boundaries[cut] {
                XCTAssertEqual(try read(prefix).count, count)
            } else {
                XCTAssertNotNil(error(prefix), "cut at \(cut)")
            }
        }
        for codec in [CompressionCodec.gzip, .snappy, .lz4] {
            let set = try LegacyTestMessages.wrapper(magic: 0, codec: codec, inner: LegacyTestMessages.set(magic: 0, sample))
            for cut in 1..<set.count { XCTAssertNotNil(error(Array(set[0..<cut])), "\(codec) cut at \(cut)") }
        }
    }

    /// An inner set whose last entry is cut short is an error, not silently shortened.
    func testTruncatedInnerSetIsRefused() throws {
        let inner = LegacyTestMessages.set(magic: 1, sample)
        for cut in [1, 5, 12, 20] {
            let set = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: Array(inner.dropLast(cut)))
            guard case .truncated = error(set) else { return XCTFail("cut \(cut) not refused as truncated") }
        }
    }
}
