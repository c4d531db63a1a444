import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// `BatchRecordReader` walks a batch one record at a time (stopping wherever the caller stops),
/// and batches whose record count cannot fit their size are refused before anything is decompressed.
final class BatchRecordReaderTests: XCTestCase {
    /// `batch` with its recordCount (and lastOffsetDelta) set to `count`, CRC fixed up.
    private func withRecordCount(_ batch: ByteBuffer, _ count: Int32) -> ByteBuffer {
        var b = batch
        b.setInteger(count, at: b.readerIndex + 57)
        b.setInteger(count &- 1, at: b.readerIndex + 23)
        RecordBatchHeader.updateCRC(in: &b, at: b.readerIndex)
        return b
    }

    /// A compressed batch whose body is `body` (not necessarily valid for the codec), CRC fixed up.
    private func compressedBatch(codec: CompressionCodec, body: ByteBuffer, recordCount: Int32) -> ByteBuffer {
        let header = RecordBatchHeader(
            baseOffset: 0, partitionLeaderEpoch: -1, attributes: Int16(codec.rawValue), lastOffsetDelta: recordCount &- 1,
            baseTimestamp: 1, maxTimestamp: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, recordCount: recordCount)
        var out = ByteBuffer()
        var h = header
        h.magic = 2
        h.batchLength = Int32(RecordBatchHeader.size + body.readableBytes - RecordBatchHeader.logOverhead)
        h.write(into: &out)
        out.writeImmutableBuffer(body)
        RecordBatchHeader.updateCRC(in: &out, at: 0)
        return out
    }

    func testReadsTheSameRecordsAsDecodeOneAtATime() throws {
        for codec in CompressionCodec.allCases {
            let bytes = try sampleBatch(codec: codec, records: 9)
            let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
            var reader = try BatchRecordReader(bytes, maxDecompressedSize: 1 << 20)
            var read: [Record] = []
            while let record = try reader.next() {
                XCTAssertEqual(reader.index, read.count + 1)
                read.append(record)
            }
            XCTAssertEqual(read, decoded.records, "\(codec)")
            XCTAssertNil(try reader.next())
        }
    }

    /// The reader hands out record 0 without looking at the (malformed) records after it; decoding
    /// the whole batch into an array fails on them. This is what lets ListOffsets stop early.
    func testStopsAtTheRecordAskedForWithoutReadingTheRest() throws {
        var bytes = try sampleBatch(codec: .none, records: 3)
        // Break the last record's body: its length varint (first byte of the last record) claims more than is left.
        let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
        let lastSize = decoded.records[2].encodedSize
        bytes.setInteger(UInt8(0x7E), at: bytes.writerIndex - lastSize)  // zigzag 63: longer than the record
        RecordBatchHeader.updateCRC(in: &bytes, at: 0)

        var reader = try BatchRecordReader(bytes, maxDecompressedSize: 1 << 20)
        XCTAssertEqual(try reader.next()?.offsetDelta, 0)
        XCTAssertEqual(try reader.next()?.offsetDelta, 1)
        XCTAssertThrowsError(try reader.next())
        XCTAssertThrowsError(try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20))
    }

    /// 31 million records in a small zstd body: refused from the header alone. The body here is not
    /// even valid zstd, so a reader that decompressed first would fail with a decompression error.
    func testAbsurdRecordCountIsRefusedBeforeDecompressing() throws {
        let batch = compressedBatch(codec: .zstd, body: ByteBuffer(repeating: 0xAB, count: 64), recordCount: 31_000_000)
        XCTAssertThrowsError(try BatchRecordReader(batch, maxDecompressedSize: 100 << 20)) { error in
            guard case .invalidRecord(let reason) = error as? RecordValidationError else {
                return XCTFail("expected the record count to be refused, got \(error)")
            }
            XCTAssertTrue(reason.contains("31000000 records"), reason)
            XCTAssertEqual((error as? RecordValidationError)?.kafkaErrorCode, 87)  // INVALID_RECORD
        }
        XCTAssertThrowsError(try RecordBatch.decode(batch, maxDecompressedSize: 100 << 20)) { error in
            guard case .invalidRecord = error as? RecordValidationError else { return XCTFail("\(error)") }
        }
    }

    /// Produce validation does not open compressed batches, but refuses one whose count cannot fit in
    /// the decompression cap (7 bytes a record at least): such a batch used to be stored unopened.
    func testProduceValidationRefusesACountThatCannotFitTheDecompressionCap() throws {
        let body = try Compression.compress(ByteBuffer(repeating: 0, count: 4096), codec: .zstd)
        let batch = compressedBatch(codec: .zstd, body: body, recordCount: 31_000_000)
        XCTAssertThrowsError(try BatchValidation.validate(batch, maxBatchSize: 1 << 20, maxDecompressedSize: 100 << 20)) { error in
            guard case .invalidRecord(let reason) = error as? RecordValidationError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("104857600-byte limit"), reason)
        }
        // The same header with a count that fits is left for later (it is not opened here).
        let plausible = compressedBatch(codec: .zstd, body: body, recordCount: 100)
        XCTAssertEqual(try BatchValidation.validate(plausible, maxBatchSize: 1 << 20, maxDecompressedSize: 100 << 20).count, 1)
    }

    func testUncompressedCountBeyondItsBytesIsRefusedFromTheHeader() throws {
        let batch = withRecordCount(try sampleBatch(codec: .none, records: 3), 1_000_000)
        XCTAssertThrowsError(try BatchValidation.validate(batch, maxBatchSize: 1 << 20)) { error in
            guard case .invalidRecord(let reason) = error as? RecordValidationError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("1000000 records"), reason)
        }
    }

    /// A decompressed section too short for the declared count is refused: at once when the section
    /// is decompressed whole, at the first record it lacks when it is streamed.
    func testSectionShorterThanTheCountNeedsIsRefused() throws {
        let body = try Compression.compress(ByteBuffer(repeating: 0, count: 70), codec: .gzip)
        let batch = compressedBatch(codec: .gzip, body: body, recordCount: 11)
        XCTAssertThrowsError(try RecordBatch.decode(batch, maxDecompressedSize: 1 << 20)) { error in
            guard case .invalidRecord(let reason) = error as? RecordValidationError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("11 records need at least 77 bytes"), reason)
        }
        var reader = try BatchRecordReader(batch, maxDecompressedSize: 1 << 20)
        XCTAssertThrowsError(try { while try reader.next() != nil {} }()) { error in
            guard case .invalidRecord = error as? RecordValidationError else { return XCTFail("\(error)") }
        }
    }

    /// A streamed section is held a window at a time: reading 10 MB of records never holds more
    /// than a few steps' worth, while decoding whole holds all of it.
    func testStreamedSectionIsHeldAWindowAtATime() throws {
        for codec in [CompressionCodec.gzip, .lz4, .zstd] {
            var builder = RecordBatchBuilder(codec: codec)
            for i in 0..<50_000 {
                builder.append(key: ByteBuffer(string: "k\(i)"), value: ByteBuffer(repeating: UInt8(i % 251), count: 200),
                               timestamp: Int64(i))
            }
            let batch = try builder.build()
            var reader = try BatchRecordReader(batch, maxDecompressedSize: 64 << 20)
            var count = 0
            var held = 0
            while let record = try reader.next() {
                XCTAssertEqual(record.offsetDelta, Int32(count))
                held = max(held, reader.heldBytes)
                count += 1
            }
            XCTAssertEqual(count, 50_000)
            XCTAssertLessThanOrEqual(held, 4 * SectionWindow.stepSize, "\(codec)")
            let whole = try BatchRecordReader(batch, maxDecompressedSize: 64 << 20, whole: true)
            XCTAssertGreaterThan(whole.heldBytes, 10_000_000)
        }
    }

    /// A record larger than a window step is read whole (the window grows for it).
    func testRecordsLargerThanAStepAreReadWhole() throws {
        for codec in [CompressionCodec.gzip, .lz4, .zstd, .snappy] {
            var builder = RecordBatchBuilder(codec: codec)
            let big = ByteBuffer(bytes: (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            builder.append(key: nil, value: ByteBuffer(string: "small"), timestamp: 1)
            builder.append(key: nil, value: big, timestamp: 2)
            builder.append(key: ByteBuffer(string: "last"), value: nil, timestamp: 3)
            var reader = try BatchRecordReader(try builder.build(), maxDecompressedSize: 1 << 20)
            XCTAssertEqual(try reader.next()?.value, ByteBuffer(string: "small"))
            XCTAssertEqual(try reader.next()?.value, big, "\(codec)")
            XCTAssertEqual(try reader.next()?.key, ByteBuffer(string: "last"))
            XCTAssertNil(try reader.next())
        }
    }

    /// Streaming is capped like whole decompression: a section beyond the cap is refused with
    /// outputTooLarge, after at most the cap was produced.
    func testStreamedSectionBeyondTheCapIsRefused() throws {
        for codec in [CompressionCodec.gzip, .lz4, .zstd] {
            var builder = RecordBatchBuilder(codec: codec)
            for i in 0..<2_000 { builder.append(key: nil, value: ByteBuffer(repeating: 0, count: 1_000), timestamp: Int64(i)) }
            var reader = try BatchRecordReader(try builder.build(), maxDecompressedSize: 500_000)
            XCTAssertThrowsError(try { while try reader.next() != nil {} }()) { error in
                guard case .decompression(.outputTooLarge(limit: 500_000)) = error as? RecordValidationError else {
                    return XCTFail("\(codec): \(error)")
                }
            }
        }
    }

    /// Property: on mutated batches (CRC fixed up), streaming and whole decoding agree: both fail,
    /// or both read the same records.
    func testStreamingAndWholeDecodingAgreeOnMutatedBatches() throws {
        var rng = SeededRNG(seed: 0x57AE)
        for codec in [CompressionCodec.gzip, .lz4, .zstd] {
            let seed = try sampleBatch(codec: codec, records: 12)
            for _ in 0..<300 {
                var b = seed
                let at = Int.random(in: RecordBatchHeader.size..<b.readableBytes, using: &rng)
                b.setInteger(UInt8.random(in: 0...255, using: &rng), at: at)
                if Bool.random(using: &rng) {
                    b = b.getSlice(at: 0, length: Int.random(in: RecordBatchHeader.size...b.readableBytes, using: &rng))!
                    b.setInteger(Int32(b.readableBytes - RecordBatchHeader.logOverhead), at: RecordBatchHeader.batchLengthPosition)
                }
                RecordBatchHeader.updateCRC(in: &b, at: 0)
                let whole = try? RecordBatch.decode(b, maxDecompressedSize: 1 << 16).records
                var streamed: [Record]? = []
                do {
                    var reader = try BatchRecordReader(b, maxDecompressedSize: 1 << 16)
                    while let record = try reader.next() { streamed?.append(record) }
                } catch {
                    streamed = nil
                }
                XCTAssertEqual(whole, streamed, "\(codec) mutated at \(at)")
            }
        }
    }

    /// Extreme counts (and random ones) in otherwise valid batches only ever throw or read at most
    /// the declared number of records.
    func testExtremeAndRandomRecordCountsNeverTrap() throws {
        var rng = SeededRNG(seed: 0xC0DE)
        var counts: [Int32] = [Int32.min, Int32.min + 1, -2, -1, 0, 1, 2, 4, 5, 6, 100, 1 << 20, Int32.max - 1, Int32.max]
        for _ in 0..<200 { counts.append(Int32.random(in: Int32.min...Int32.max, using: &rng)) }
        for codec in CompressionCodec.allCases {
            let seed = try sampleBatch(codec: codec, records: 5)
            for count in counts {
                let batch = withRecordCount(seed, count)
                guard var reader = try? BatchRecordReader(batch, maxDecompressedSize: 1 << 16) else { continue }
                var read = 0
                do {
                    while try reader.next() != nil { read += 1 }
                } catch {}
                XCTAssertLessThanOrEqual(read, Int(max(0, count)))
                _ = try? BatchValidation.validate(batch, maxBatchSize: 1 << 20, maxDecompressedSize: 1 << 16)
                _ = try? RecordBatch.recompressed(batch, to: .lz4, maxDecompressedSize: 1 << 16)
            }
        }
    }

    func testRecompressedKeepsRecordsAndHeaderFields() throws {
        for from in CompressionCodec.allCases {
            let original = try sampleBatch(codec: from, records: 7, baseOffset: 0)
            let before = try RecordBatch.decode(original, maxDecompressedSize: 1 << 20)
            for to in CompressionCodec.allCases {
                let bytes = try RecordBatch.recompressed(original, to: to, maxDecompressedSize: 1 << 20)
                XCTAssertEqual(try BatchValidation.validate(bytes, maxBatchSize: 1 << 20).count, 1, "\(from)→\(to)")
                let after = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
                XCTAssertEqual(after.records, before.records, "\(from)→\(to)")
                XCTAssertEqual(after.header.compression, to)
                var expected = before.header
                expected.attributes = (expected.attributes & ~0x07) | Int16(to.rawValue)
                XCTAssertEqual(after.header.producerId, expected.producerId)
                XCTAssertEqual(after.header.baseTimestamp, expected.baseTimestamp)
                XCTAssertEqual(after.header.maxTimestamp, expected.maxTimestamp)
                XCTAssertEqual(after.header.attributes, expected.attributes)
                XCTAssertEqual(after.header.lastOffsetDelta, expected.lastOffsetDelta)
            }
        }
    }

    func testRecompressingABatchWithAMalformedRecordFails() throws {
        var bytes = try sampleBatch(codec: .none, records: 3)
        let lastSize = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20).records[2].encodedSize
        bytes.setInteger(UInt8(0x7E), at: bytes.writerIndex - lastSize)
        RecordBatchHeader.updateCRC(in: &bytes, at: 0)
        XCTAssertThrowsError(try RecordBatch.recompressed(bytes, to: .zstd, maxDecompressedSize: 1 << 20))
    }
}
