import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// Up-conversion of legacy message sets to one RecordBatch v2, checked by decoding the batch.
final class LegacyMessageSetUpconvertTests: XCTestCase {
    private typealias Message = ([UInt8]?, [UInt8]?, Int64)

    private func upconvert(_ bytes: [UInt8], codec: CompressionCodec? = nil) throws -> (LegacyUpconversion, RecordBatch) {
        let converted = try LegacyMessageSetReader.upconvert(ByteBuffer(bytes: bytes), codec: codec, maxMessageSize: 1 << 24,
                                                             maxDecompressedSize: 1 << 24)
        let batch = try RecordBatch.decode(converted.batch, maxDecompressedSize: 1 << 24)
        XCTAssertEqual(batch.header.totalSize, converted.batch.readableBytes)
        return (converted, batch)
    }

    private func assertRecords(_ batch: RecordBatch, _ messages: [Message], magic: Int8,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(batch.records.count, messages.count, file: file, line: line)
        for (i, (record, expected)) in zip(batch.records, messages).enumerated() {
            XCTAssertEqual(record.offsetDelta, Int32(i), file: file, line: line)
            XCTAssertEqual(record.key?.bytes, expected.0, file: file, line: line)
            XCTAssertEqual(record.value?.bytes, expected.1, file: file, line: line)
            XCTAssertEqual(record.headers, [], file: file, line: line)
            XCTAssertEqual(batch.timestamp(of: record), magic == 0 ? -1 : expected.2, file: file, line: line)
        }
        let timestamps = magic == 0 ? [-1] : messages.map(\.2)
        XCTAssertEqual(batch.header.maxTimestamp, timestamps.max(), file: file, line: line)
        XCTAssertEqual(batch.header.baseOffset, 0, file: file, line: line)
        XCTAssertEqual(batch.header.lastOffsetDelta, Int32(messages.count - 1), file: file, line: line)
        XCTAssertEqual(batch.header.producerId, -1, file: file, line: line)
        XCTAssertEqual(batch.header.baseSequence, -1, file: file, line: line)
        XCTAssertFalse(batch.header.isTransactional, file: file, line: line)
        XCTAssertEqual(batch.header.timestampType, .createTime, file: file, line: line)
    }

    func testUncompressedSetsBecomeOneUncompressedBatch() throws {
        let messages: [Message] = [([1], [2], 10), (nil, [3], 5), ([4], nil, 20)]
        for magic: Int8 in [0, 1] {
            let (converted, batch) = try upconvert(LegacyTestMessages.set(magic: magic, messages, firstOffset: 100))
            XCTAssertEqual(converted.magic, magic)
            XCTAssertEqual(converted.recordCount, 3)
            XCTAssertEqual(batch.header.compression, .none)
            assertRecords(batch, messages, magic: magic)
        }
    }

    func testWrapperCodecIsKeptUnlessATargetIsGiven() throws {
        let messages: [Message] = [([1], Array(repeating: 9, count: 300), 1), (nil, [3], 2)]
        for codec in [CompressionCodec.gzip, .snappy, .lz4] {
            let set = try LegacyTestMessages.wrapper(magic: 1, codec: codec, inner: LegacyTestMessages.set(magic: 1, messages))
            let (kept, keptBatch) = try upconvert(set)
            XCTAssertEqual(kept.sourceCompression, codec)
            XCTAssertEqual(keptBatch.header.compression, codec)
            assertRecords(keptBatch, messages, magic: 1)
            for target in CompressionCodec.allCases {
                let (_, batch) = try upconvert(set, codec: target)
                XCTAssertEqual(batch.header.compression, target)
                assertRecords(batch, messages, magic: 1)
            }
        }
    }

    func testExtremeTimestampsSurviveTheDeltas() throws {
        let messages: [Message] = [(nil, [1], 0), (nil, [2], .max), (nil, [3], .min), (nil, [4], -1), (nil, [5], 1)]
        let (_, batch) = try upconvert(LegacyTestMessages.set(magic: 1, messages))
        assertRecords(batch, messages, magic: 1)
    }

    func testEmptySetAndErrorsAreReported() throws {
        XCTAssertThrowsError(try upconvert([])) { XCTAssertEqual(($0 as? LegacyMessageSetError)?.kafkaErrorCode, 87) }
        var corrupt = LegacyTestMessages.set(magic: 0, [(nil, [1], 0)])
        corrupt[corrupt.count - 1] ^= 1
        XCTAssertThrowsError(try upconvert(corrupt)) { XCTAssertEqual(($0 as? LegacyMessageSetError)?.kafkaErrorCode, 2) }
    }

    func testLogAppendTimeClaimIsReported() throws {
        let set = LegacyTestMessages.set(magic: 1, [(nil, [1], 5)], attributes: 0x08)
        XCTAssertTrue(try upconvert(set).0.claimsLogAppendTime)
        XCTAssertFalse(try upconvert(LegacyTestMessages.set(magic: 1, [(nil, [1], 5)])).0.claimsLogAppendTime)
        XCTAssertFalse(try upconvert(set).0.claimsLogAppendTimeWithoutTimestamp)
        let noTimestamp = LegacyTestMessages.set(magic: 1, [(nil, [1], 5), (nil, [2], -1)], attributes: 0x08)
        XCTAssertTrue(try upconvert(noTimestamp).0.claimsLogAppendTimeWithoutTimestamp)
        let wrapped = try LegacyTestMessages.wrapper(magic: 1, codec: .gzip, inner: LegacyTestMessages.set(magic: 1, [(nil, [1], 5)]),
                                                     timestamp: -1, logAppendTime: true)
        XCTAssertTrue(try upconvert(wrapped).0.claimsLogAppendTimeWithoutTimestamp, "inner messages take the wrapper's type")
    }

    /// Random messages of random shape → legacy bytes → up-conversion → decoded v2 batch equals them.
    func testPropertyRandomSetsRoundTrip() throws {
        var rng = SeededRNG(seed: 0x1E6A_C7)
        let special: [Int64] = [.min, .max, -1, 0, 1_700_000_000_000]
        for round in 0..<300 {
            let magic = Int8.random(in: 0...1, using: &rng)
            let count = Int.random(in: 1...20, using: &rng)
            let messages: [Message] = (0..<count).map { _ in
                let key = Bool.random(using: &rng) ? nil : randomBytes(Int.random(in: 0...40, using: &rng), using: &rng)
                let value = Int.random(in: 0..<8, using: &rng) == 0 ? nil : randomBytes(Int.random(in: 0...300, using: &rng), using: &rng)
                let timestamp = Bool.random(using: &rng) ? special.randomElement(using: &rng)! : Int64.random(in: .min ... .max, using: &rng)
                return (key, value, timestamp)
            }
            let inner = LegacyTestMessages.set(magic: magic, messages, firstOffset: Int64.random(in: .min ... .max, using: &rng))
            let codec = CompressionCodec(rawValue: Int8.random(in: 0...3, using: &rng))!
            let set = codec == .none ? inner : try LegacyTestMessages.wrapper(
                magic: magic, codec: codec, inner: LegacyTestMessages.set(magic: magic, messages), offset: magic == 1 ? Int64(count - 1) : 0,
                xerial: Bool.random(using: &rng), brokenLZ4Checksum: codec == .lz4 && magic == 0 && Bool.random(using: &rng))
            let (converted, batch) = try upconvert(set)
            XCTAssertEqual(converted.sourceCompression, codec, "round \(round)")
            XCTAssertEqual(batch.header.compression, codec, "round \(round)")
            assertRecords(batch, messages, magic: magic)
        }
    }

    /// Random corruption of valid sets: the reader never traps, and what it accepts converts to a
    /// batch that decodes.
    func testFuzzMutatedSetsNeverTrap() throws {
        var rng = SeededRNG(seed: 0xF022_1E6)
        var seeds: [[UInt8]] = [LegacyTestMessages.set(magic: 1, [([1, 2], [3], 4), (nil, nil, -1)])]
        for codec in [CompressionCodec.gzip, .snappy, .lz4] {
            for magic: Int8 in [0, 1] {
                seeds.append(try LegacyTestMessages.wrapper(magic: magic, codec: codec, inner: LegacyTestMessages.set(
                    magic: magic, [([1], Array(repeating: 5, count: 50), 1), (nil, [2], 2)])))
            }
        }
        var accepted = 0
        for _ in 0..<4000 {
            var bytes = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                default: bytes = Array(bytes[0..<i])
                }
                if bytes.isEmpty { break }
            }
            if let converted = try? LegacyMessageSetReader.upconvert(ByteBuffer(bytes: bytes), codec: nil, maxMessageSize: 1 << 16,
                                                                      maxDecompressedSize: 1 << 16) {
                accepted += 1
                XCTAssertNoThrow(try RecordBatch.decode(converted.batch, maxDecompressedSize: 1 << 16))
            }
        }
        XCTAssertLessThan(accepted, 4000, "mutations should mostly be caught by CRCs")
    }
}
