import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// One message of a decoded legacy message set (wrappers unpacked), for tests.
struct DecodedLegacyMessage: Equatable {
    var offset: Int64
    var magic: Int8
    /// nil for magic 0.
    var timestamp: Int64?
    var logAppendTime: Bool
    var key: [UInt8]?
    var value: [UInt8]?
    /// Codec of the wrapper the message came in (`.none` when not wrapped).
    var wrapper: CompressionCodec
}

/// Why test decoding failed.
struct LegacyDecodeError: Error, CustomStringConvertible {
    var description: String
}

/// A small legacy (magic 0/1) message-set decoder for tests only: checks sizes and CRCs, unpacks
/// wrappers (Kafka's magic 1 relative inner offsets, magic 0 LZ4's broken frame checksum), and
/// ignores a trailing partial message as clients do.
enum TestLegacyDecoder {
    static func decode(_ buffer: ByteBuffer, nested: Bool = false) throws -> [DecodedLegacyMessage] {
        var rest = buffer
        var out: [DecodedLegacyMessage] = []
        while rest.readableBytes >= 12 {
            let offset = rest.getInteger(at: rest.readerIndex, as: Int64.self)!
            let size = Int(rest.getInteger(at: rest.readerIndex + 8, as: Int32.self)!)
            guard size >= 14 else { throw LegacyDecodeError(description: "message size \(size)") }
            guard rest.readableBytes >= 12 + size else {
                if nested { throw LegacyDecodeError(description: "partial inner message") }
                break
            }
            rest.moveReaderIndex(forwardBy: 12)
            var message = rest.readSlice(length: size)!
            let crc = message.readInteger(as: UInt32.self)!
            guard CRC32.checksum(message) == crc else { throw LegacyDecodeError(description: "bad CRC at \(offset)") }
            let magic = message.readInteger(as: Int8.self)!
            let attributes = message.readInteger(as: Int8.self)!
            guard magic == 0 || magic == 1 else { throw LegacyDecodeError(description: "magic \(magic)") }
            let timestamp = magic == 1 ? message.readInteger(as: Int64.self) : nil
            let key = try readBytes(&message)
            let value = try readBytes(&message)
            guard message.readableBytes == 0 else { throw LegacyDecodeError(description: "trailing bytes") }
            let codec = CompressionCodec(rawValue: attributes & 0x07) ?? .none
            let logAppendTime = magic == 1 && attributes & 0x08 != 0
            if codec == .none {
                out.append(.init(offset: offset, magic: magic, timestamp: timestamp, logAppendTime: logAppendTime,
                                 key: key, value: value, wrapper: .none))
                continue
            }
            guard nested == false, let value else { throw LegacyDecodeError(description: "bad wrapper") }
            var compressed = ByteBuffer(bytes: value)
            if codec == .lz4 && magic == 0 { fixLZ4Checksum(&compressed) }
            let inner = try decode(try Compression.decompress(compressed, codec: codec, maxOutput: 1 << 26), nested: true)
            guard let last = inner.last else { throw LegacyDecodeError(description: "empty wrapper") }
            for var m in inner {
                guard m.magic == magic else { throw LegacyDecodeError(description: "inner magic") }
                if magic == 1 { m.offset = offset - last.offset + m.offset }
                m.wrapper = codec
                out.append(m)
            }
        }
        return out
    }

    /// Writes the LZ4 spec's header checksum over the one Kafka computes for magic 0.
    static func fixLZ4Checksum(_ frame: inout ByteBuffer) {
        let descriptor = frame.getBytes(at: frame.readerIndex + 4, length: 2)!
        frame.setInteger(UInt8(truncatingIfNeeded: XXH32.shortHash(descriptor) >> 8), at: frame.readerIndex + 6)
    }

    private static func readBytes(_ buffer: inout ByteBuffer) throws -> [UInt8]? {
        guard let length = buffer.readInteger(as: Int32.self) else { throw LegacyDecodeError(description: "short") }
        if length < 0 { return nil }
        guard let bytes = buffer.readBytes(length: Int(length)) else { throw LegacyDecodeError(description: "short bytes") }
        return bytes
    }
}

/// The legacy message writer: exact layouts, CRCs, sizes, and the wrapper codecs Kafka's broker writes.
final class DownconvertWriterTests: XCTestCase {
    private func hex(_ buffer: ByteBuffer) -> String { buffer.bytes.map { String(format: "%02x", $0) }.joined() }

    func testMagic0MessageLayoutAndCRC() {
        var out = ByteBuffer()
        LegacyMessageSetWriter.writeMessage(into: &out, magic: 0, offset: 5, timestamp: 99, logAppendTime: true,
                                            key: nil, value: ByteBuffer(string: "hello"))
        // Reference bytes from Python's struct + zlib.crc32: no timestamp, no timestamp-type bit in magic 0.
        XCTAssertEqual(hex(out), "00000000000000050000001387a77ab20000ffffffff0000000568656c6c6f")
        XCTAssertEqual(out.readableBytes, LegacyMessageSetWriter.entrySize(magic: 0, key: nil, value: ByteBuffer(string: "hello")))
    }

    func testMagic1MessageLayoutAndCRC() {
        var out = ByteBuffer()
        LegacyMessageSetWriter.writeMessage(into: &out, magic: 1, offset: 7, timestamp: 1_700_000_000_000, logAppendTime: true,
                                            key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v"))
        XCTAssertEqual(hex(out), "000000000000000700000018308791b601080000018bcfe56800000000016b0000000176")
        XCTAssertEqual(out.readableBytes, 12 + 24)
    }

    func testCRCCoversMagicThroughValue() throws {
        var out = ByteBuffer()
        LegacyMessageSetWriter.writeMessage(into: &out, magic: 1, offset: 0, timestamp: 1, logAppendTime: false,
                                            key: ByteBuffer(string: "key"), value: ByteBuffer(string: "value"))
        XCTAssertNoThrow(try TestLegacyDecoder.decode(out))
        for position in 16..<out.writerIndex {
            var damaged = out
            damaged.setInteger(damaged.getInteger(at: position, as: UInt8.self)! ^ 0x01, at: position)
            XCTAssertThrowsError(try TestLegacyDecoder.decode(damaged), "flip at \(position)")
        }
    }

    func testLZ4FrameChecksumIsKafkasPerMagic() throws {
        // The LZ4 spec's HC for FLG 0x60, BD 0x40 is 0x82.
        XCTAssertEqual(UInt8(truncatingIfNeeded: XXH32.shortHash([0x60, 0x40]) >> 8), 0x82)
        XCTAssertEqual(XXH32.shortHash([]), 0x02CC_5D05)  // XXH32 of empty input, seed 0.
        let data = ByteBuffer(string: String(repeating: "lz4 payload ", count: 100))
        let v1 = try LegacyMessageSetWriter.compress(data, codec: .lz4, magic: 1)
        XCTAssertEqual(v1.getBytes(at: 0, length: 7), [0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82])
        XCTAssertEqual(try Compression.decompress(v1, codec: .lz4, maxOutput: 1 << 20), data)
        var v0 = try LegacyMessageSetWriter.compress(data, codec: .lz4, magic: 0)
        let broken = UInt8(truncatingIfNeeded: XXH32.shortHash([0x04, 0x22, 0x4D, 0x18, 0x60, 0x40]) >> 8)
        XCTAssertEqual(v0.getInteger(at: 6, as: UInt8.self), broken)
        XCTAssertNotEqual(broken, 0x82)
        TestLegacyDecoder.fixLZ4Checksum(&v0)
        XCTAssertEqual(try Compression.decompress(v0, codec: .lz4, maxOutput: 1 << 20), data)
    }

    func testSnappyUsesXerialFraming() throws {
        let data = ByteBuffer(bytes: Array(repeating: 7, count: 100_000))
        let out = try LegacyMessageSetWriter.compress(data, codec: .snappy, magic: 1)
        XCTAssertEqual(out.getBytes(at: 0, length: 16), Snappy.xerialMagic + [0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try Compression.decompress(out, codec: .snappy, maxOutput: 1 << 20), data)
        // 100,000 bytes in 32 KiB chunks: four blocks.
        var rest = out
        rest.moveReaderIndex(forwardBy: 16)
        var blocks = 0
        while let length = rest.readInteger(as: Int32.self) {
            rest.moveReaderIndex(forwardBy: Int(length))
            blocks += 1
        }
        XCTAssertEqual(blocks, 4)
        let empty = try LegacyMessageSetWriter.compress(ByteBuffer(), codec: .snappy, magic: 0)
        XCTAssertEqual(try Compression.decompress(empty, codec: .snappy, maxOutput: 10), ByteBuffer())
    }

    func testZstdCannotBeWrittenBelowMagic2() {
        XCTAssertThrowsError(try LegacyMessageSetWriter.compress(ByteBuffer(string: "x"), codec: .zstd, magic: 1)) {
            XCTAssertEqual($0 as? DownconversionError, .unsupportedCompression)
        }
    }

    func testEveryCodecRoundTripsForBothMagics() throws {
        for magic: Int8 in [0, 1] {
            for codec in CompressionCodec.allCases where codec != .zstd {
                let batch = try sampleBatch(codec: codec, records: 6, baseOffset: 40)
                var converter = LegacyDownconverter(magic: magic, fetchOffset: 40, limit: 1 << 20, alwaysTakeFirst: true,
                                                    maxDecompressedSize: 1 << 20)
                XCTAssertTrue(try converter.append(batch: batch))
                let decoded = try TestLegacyDecoder.decode(converter.output)
                let source = try RecordBatch.decode(batch, maxDecompressedSize: 1 << 20)
                XCTAssertEqual(decoded.map(\.offset), Array(40..<46), "\(codec) magic \(magic)")
                XCTAssertEqual(decoded.map(\.key), source.records.map { $0.key?.bytes })
                XCTAssertEqual(decoded.map(\.value), source.records.map { $0.value?.bytes })
                XCTAssertEqual(decoded.map(\.magic), Array(repeating: magic, count: 6))
                XCTAssertEqual(decoded.map(\.wrapper), Array(repeating: codec, count: 6))
                XCTAssertEqual(decoded.map(\.timestamp), source.records.map { magic == 1 ? source.timestamp(of: $0) : nil })
                // A compressed batch is one wrapper: its offset is the last record's.
                if codec != .none {
                    XCTAssertEqual(converter.output.getInteger(at: 0, as: Int64.self), 45)
                    let size = Int(converter.output.getInteger(at: 8, as: Int32.self)!)
                    XCTAssertEqual(converter.output.readableBytes, 12 + size)
                }
            }
        }
    }

    func testMagic1WrapperTimestampAndInnerRelativeOffsets() throws {
        var builder = RecordBatchBuilder(codec: .gzip, baseOffset: 1000)
        for (i, ts) in [Int64(50), 90, 70].enumerated() {
            builder.append(key: nil, value: ByteBuffer(string: "v\(i)"), timestamp: ts)
        }
        var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        try converter.append(batch: try builder.build())
        let out = converter.output
        XCTAssertEqual(out.getInteger(at: 0, as: Int64.self), 1002)
        XCTAssertEqual(out.getInteger(at: 16, as: Int8.self), 1)  // magic
        XCTAssertEqual(out.getInteger(at: 17, as: Int8.self), 1)  // gzip, CreateTime
        XCTAssertEqual(out.getInteger(at: 18, as: Int64.self), 90)  // max timestamp
        XCTAssertEqual(out.getInteger(at: 26, as: Int32.self), -1)  // null key
        let valueLength = Int(out.getInteger(at: 30, as: Int32.self)!)
        let inner = try Compression.decompress(out.getSlice(at: 34, length: valueLength)!, codec: .gzip, maxOutput: 1 << 20)
        XCTAssertEqual(inner.getInteger(at: 0, as: Int64.self), 0)  // relative inner offsets
        let decoded = try TestLegacyDecoder.decode(out)
        XCTAssertEqual(decoded.map(\.offset), [1000, 1001, 1002])
        XCTAssertEqual(decoded.map(\.timestamp), [50, 90, 70])

        // LogAppendTime: the wrapper and every inner message carry the append time and the type bit.
        var appended = RecordBatchBuilder(codec: .snappy, baseOffset: 3, logAppendTime: 12_345)
        appended.append(key: nil, value: ByteBuffer(string: "a"), timestamp: 1)
        appended.append(key: nil, value: ByteBuffer(string: "b"), timestamp: 2)
        var logAppend = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        try logAppend.append(batch: try appended.build())
        XCTAssertEqual(logAppend.output.getInteger(at: 17, as: Int8.self), 0x08 | 2)
        XCTAssertEqual(logAppend.output.getInteger(at: 18, as: Int64.self), 12_345)
        let stamped = try TestLegacyDecoder.decode(logAppend.output)
        XCTAssertEqual(stamped.map(\.timestamp), [12_345, 12_345])
        XCTAssertEqual(stamped.map(\.logAppendTime), [true, true])
    }

    func testMagic0WrapperKeepsAbsoluteInnerOffsets() throws {
        var converter = LegacyDownconverter(magic: 0, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        try converter.append(batch: try sampleBatch(codec: .gzip, records: 3, baseOffset: 500))
        let out = converter.output
        XCTAssertEqual(out.getInteger(at: 0, as: Int64.self), 502)
        XCTAssertEqual(out.getInteger(at: 16, as: Int8.self), 0)
        let valueLength = Int(out.getInteger(at: 22, as: Int32.self)!)
        let inner = try Compression.decompress(out.getSlice(at: 26, length: valueLength)!, codec: .gzip, maxOutput: 1 << 20)
        XCTAssertEqual(inner.getInteger(at: 0, as: Int64.self), 500)
    }
}
