import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// Random v2 batches down-converted and decoded again keep their keys, values, offsets and
/// timestamps; hostile and extreme inputs throw or convert, never trap.
final class DownconvertPropertyTests: XCTestCase {
    private struct Expected: Equatable {
        var offset: Int64
        var timestamp: Int64?
        var key: [UInt8]?
        var value: [UInt8]?
    }

    private func randomBatch(_ rng: inout SeededRNG) throws -> (ByteBuffer, RecordBatch) {
        let codecs: [CompressionCodec] = [.none, .gzip, .snappy, .lz4]
        let extremes: [Int64] = [0, -1, 1, Int64.max - 100, Int64.max, Int64.min, 1_700_000_000_000]
        let baseOffset = Bool.random(using: &rng) ? Int64.random(in: 0...1_000_000, using: &rng)
            : Int64.max - Int64.random(in: 0...40, using: &rng)
        let logAppend: Int64? = rng.next() % 4 == 0 ? extremes.randomElement(using: &rng) : nil
        var builder = RecordBatchBuilder(codec: codecs.randomElement(using: &rng)!, baseOffset: baseOffset, logAppendTime: logAppend)
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let key = rng.next() % 3 == 0 ? nil : ByteBuffer(bytes: randomBytes(Int.random(in: 0...20, using: &rng), using: &rng))
            let value = rng.next() % 5 == 0 ? nil : ByteBuffer(bytes: randomBytes(Int.random(in: 0...300, using: &rng), using: &rng))
            let timestamp = rng.next() % 3 == 0 ? extremes.randomElement(using: &rng)! : Int64.random(in: 0...2_000_000_000_000, using: &rng)
            builder.append(key: key, value: value, headers: [RecordHeader(key: "h", value: nil)], timestamp: timestamp)
        }
        return (try builder.build(), builder.makeBatch())
    }

    func testRandomBatchesSurviveDownconversion() throws {
        var rng = SeededRNG(seed: 0xD0C0_FFEE)
        for round in 0..<300 {
            let (bytes, batch) = try randomBatch(&rng)
            let magic: Int8 = rng.next() % 2 == 0 ? 0 : 1
            let fetchOffset = batch.header.baseOffset.saturatingAdd(Int64.random(in: -2...6, using: &rng))
            var converter = LegacyDownconverter(magic: magic, fetchOffset: fetchOffset, limit: Int.max, alwaysTakeFirst: true,
                                                maxDecompressedSize: 1 << 20)
            XCTAssertTrue(try converter.append(batch: bytes))
            let decoded = try TestLegacyDecoder.decode(converter.output)
            let compressed = batch.header.compression != .none
            let expected = batch.records.compactMap { record -> Expected? in
                let offset = batch.offset(of: record)
                // Uncompressed batches start at the fetch offset; compressed ones stay whole.
                if !compressed && offset < fetchOffset { return nil }
                return Expected(offset: offset, timestamp: magic == 1 ? batch.timestamp(of: record) : nil,
                                key: record.key?.bytes, value: record.value?.bytes)
            }
            XCTAssertEqual(decoded.map { Expected(offset: $0.offset, timestamp: $0.timestamp, key: $0.key, value: $0.value) },
                           expected, "round \(round)")
            XCTAssertTrue(decoded.allSatisfy { $0.magic == magic && $0.logAppendTime == (magic == 1 && batch.header.timestampType == .logAppendTime) })
        }
    }

    func testLimitsStopAtWholeMessages() throws {
        let batch = try sampleBatch(records: 5, baseOffset: 10)
        var all = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: Int.max, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        try all.append(batch: batch)
        let sizes = try messageSizes(all.output)
        XCTAssertEqual(sizes.count, 5)

        // Limit 0: nothing, unless the first message must go out whole (KIP-74).
        var none = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 0, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        XCTAssertFalse(try none.append(batch: batch))
        XCTAssertEqual(none.output.readableBytes, 0)
        XCTAssertTrue(none.isFull)
        XCTAssertFalse(try none.append(batch: batch))
        var first = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 0, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertFalse(try first.append(batch: batch))
        XCTAssertEqual(try TestLegacyDecoder.decode(first.output).map(\.offset), [10])

        // Exactly two messages' worth, and one byte less.
        for (limit, count) in [(sizes[0] + sizes[1], 2), (sizes[0] + sizes[1] - 1, 1)] {
            var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: limit, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
            try converter.append(batch: batch)
            XCTAssertEqual(try TestLegacyDecoder.decode(converter.output).count, count, "limit \(limit)")
            XCTAssertLessThanOrEqual(converter.output.readableBytes, limit)
        }

        // A wrapper is all or nothing.
        let gzip = try sampleBatch(codec: .gzip, records: 5, baseOffset: 10)
        var small = LegacyDownconverter(magic: 0, fetchOffset: 0, limit: 20, alwaysTakeFirst: false, maxDecompressedSize: 1 << 20)
        XCTAssertFalse(try small.append(batch: gzip))
        XCTAssertEqual(small.output.readableBytes, 0)
        var forced = LegacyDownconverter(magic: 0, fetchOffset: 0, limit: 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        try forced.append(batch: gzip)
        XCTAssertEqual(try TestLegacyDecoder.decode(forced.output).count, 5)
        // Later batches go in only if they fit.
        XCTAssertFalse(try forced.append(batch: try sampleBatch(codec: .gzip, records: 1, baseOffset: 15)))
    }

    private func messageSizes(_ buffer: ByteBuffer) throws -> [Int] {
        var rest = buffer
        var sizes: [Int] = []
        while rest.readableBytes >= 12 {
            let size = Int(rest.getInteger(at: rest.readerIndex + 8, as: Int32.self)!) + 12
            rest.moveReaderIndex(forwardBy: size)
            sizes.append(size)
        }
        return sizes
    }

    func testRecordsBelowTheFetchOffsetAndPastBatchesAreSkipped() throws {
        var converter = LegacyDownconverter(magic: 0, fetchOffset: 12, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        try converter.append(batch: try sampleBatch(records: 5, baseOffset: 10))
        XCTAssertEqual(try TestLegacyDecoder.decode(converter.output).map(\.offset), [12, 13, 14])
        var past = LegacyDownconverter(magic: 1, fetchOffset: 100, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertTrue(try past.append(batch: try sampleBatch(records: 5, baseOffset: 10)))
        XCTAssertEqual(past.output.readableBytes, 0)
    }

    func testControlAndEmptyBatchesProduceNothing() throws {
        var control = try RecordBatch.control(.commit, coordinatorEpoch: 1, producerId: 5, producerEpoch: 0, timestamp: 9, baseOffset: 3)
            .encode()
        var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertTrue(try converter.append(batch: control))
        for codec in [CompressionCodec.none, .gzip] {
            XCTAssertTrue(try converter.append(batch: try RecordBatchBuilder(codec: codec, baseOffset: 4).build()))
        }
        XCTAssertEqual(converter.output.readableBytes, 0)
        // A control batch is skipped before its CRC is looked at, as Kafka skips it by its header.
        control.setInteger(UInt8(0xFF), at: control.writerIndex - 1)
        XCTAssertTrue(try converter.append(batch: control))
    }

    func testZstdBatchIsRefused() throws {
        var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertThrowsError(try converter.append(batch: try sampleBatch(codec: .zstd))) {
            XCTAssertEqual($0 as? DownconversionError, .unsupportedCompression)
        }
    }

    func testExtremeOffsetsAndTimestamps() throws {
        for codec in [CompressionCodec.none, .lz4] {
            var builder = RecordBatchBuilder(codec: codec, baseOffset: Int64.max - 1)
            builder.append(key: nil, value: ByteBuffer(string: "a"), timestamp: Int64.max)
            builder.append(key: nil, value: nil, timestamp: Int64.min)
            for magic: Int8 in [0, 1] {
                var converter = LegacyDownconverter(magic: magic, fetchOffset: Int64.min, limit: 1 << 20, alwaysTakeFirst: true,
                                                    maxDecompressedSize: 1 << 20)
                try converter.append(batch: try builder.build())
                let decoded = try TestLegacyDecoder.decode(converter.output)
                XCTAssertEqual(decoded.map(\.offset), [Int64.max - 1, Int64.max], "\(codec) \(magic)")
                XCTAssertEqual(decoded.map(\.timestamp), magic == 1 ? [Int64.max, Int64.min] : [nil, nil])
                XCTAssertEqual(decoded.map(\.value), [Array("a".utf8), nil])
            }
        }
    }

    func testHostileBatchesThrowInsteadOfTrapping() throws {
        let good = try sampleBatch(codec: .gzip, records: 4)
        // Truncation at every byte.
        for length in 0..<good.readableBytes {
            var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
            XCTAssertThrowsError(try converter.append(batch: good.getSlice(at: 0, length: length)!), "length \(length)")
        }
        // Hostile batch lengths, a CRC mismatch, and a decompression cap smaller than the records.
        for length in [Int32.min, -1, 0, 48, Int32.max] {
            var bad = good
            bad.setInteger(length, at: RecordBatchHeader.batchLengthPosition)
            var converter = LegacyDownconverter(magic: 0, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
            XCTAssertThrowsError(try converter.append(batch: bad), "batch length \(length)")
        }
        var flipped = good
        flipped.setInteger(UInt8(0x5A), at: flipped.writerIndex - 3)
        var converter = LegacyDownconverter(magic: 0, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertThrowsError(try converter.append(batch: flipped)) {
            guard case .invalidBatch(.corrupt) = $0 as? DownconversionError else { return XCTFail("\($0)") }
        }
        var capped = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 16)
        XCTAssertThrowsError(try capped.append(batch: good))
    }

    func testRandomGarbageNeverTraps() {
        var rng = SeededRNG(seed: 77)
        for _ in 0..<2000 {
            var bytes = randomBytes(Int.random(in: 0...200, using: &rng), using: &rng)
            if bytes.count > 16 && rng.next() % 2 == 0 {
                bytes[16] = 2  // magic 2, so more of the frame checks run
                let length = Int32(bytes.count - 12)
                withUnsafeBytes(of: length.bigEndian) { bytes.replaceSubrange(8..<12, with: $0) }
            }
            var converter = LegacyDownconverter(magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true, maxDecompressedSize: 1 << 16)
            _ = try? converter.append(batch: ByteBuffer(bytes: bytes))
        }
    }
}
