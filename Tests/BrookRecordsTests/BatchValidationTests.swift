import NIOCore
import XCTest

@testable import BrookRecords

final class BatchValidationTests: XCTestCase {
    private func expect(
        _ blob: ByteBuffer, max: Int = 1 << 20, _ check: (RecordValidationError) -> Bool,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try BatchValidation.validate(blob, maxBatchSize: max)
            XCTFail("expected an error", file: file, line: line)
        } catch {
            XCTAssertTrue(check(error), "unexpected \(error)", file: file, line: line)
        }
    }

    /// Rewrites one header field and fixes the CRC so only that field is wrong.
    private func mutate(_ bytes: ByteBuffer, fixCRC: Bool = true, _ edit: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var b = bytes
        edit(&b)
        if fixCRC { RecordBatchHeader.updateCRC(in: &b, at: b.readerIndex) }
        return b
    }

    func testValidBlobWithSeveralBatches() throws {
        var blob = ByteBuffer(string: "xx")  // reader index not at 0
        blob.moveReaderIndex(forwardBy: 2)
        var sizes: [Int] = []
        for codec in CompressionCodec.allCases {
            var b = try sampleBatch(codec: codec, records: 6)
            sizes.append(b.readableBytes)
            blob.writeBuffer(&b)
        }
        let batches = try BatchValidation.validate(blob, maxBatchSize: 1 << 20)
        XCTAssertEqual(batches.map(\.byteCount), sizes)
        XCTAssertEqual(batches.map(\.buffer.readableBytes), sizes)
        XCTAssertEqual(batches.first?.position, 2)
        XCTAssertEqual(batches[1].position, 2 + sizes[0])
        XCTAssertEqual(batches.map(\.header.compression), CompressionCodec.allCases)
        XCTAssertEqual(try BatchValidation.validate(ByteBuffer(), maxBatchSize: 10).count, 0)
    }

    func testBadCRC() throws {
        let good = try sampleBatch()
        let bad = mutate(good, fixCRC: false) { $0.setInteger(UInt8(0xEE), at: $0.writerIndex - 1) }
        expect(bad) { if case .corrupt = $0 { return $0.kafkaErrorCode == 2 } else { return false } }
    }

    func testBadMagic() throws {
        let bad = mutate(try sampleBatch(), fixCRC: false) { $0.setInteger(Int8(1), at: RecordBatchHeader.magicPosition) }
        expect(bad) { $0 == .unsupportedMagic(1) && $0.kafkaErrorCode == 87 }
    }

    func testTruncated() throws {
        let good = try sampleBatch()
        expect(good.getSlice(at: 0, length: 30)!) { $0 == .truncated(needed: 61, available: 30) && $0.kafkaErrorCode == 2 }
        expect(good.getSlice(at: 0, length: good.readableBytes - 1)!) { if case .truncated = $0 { return true } else { return false } }
        var twoWithTail = good
        twoWithTail.writeImmutableBuffer(good.getSlice(at: 0, length: good.readableBytes - 5)!)
        expect(twoWithTail) { if case .truncated = $0 { return true } else { return false } }
        let short = mutate(good) { $0.setInteger(Int32(48), at: RecordBatchHeader.batchLengthPosition) }
        expect(short) { $0 == .invalidBatchLength(48) }
    }

    func testOversized() throws {
        let good = try sampleBatch()
        expect(good, max: good.readableBytes - 1) { $0 == .tooLarge(good.readableBytes) && $0.kafkaErrorCode == 10 }
        XCTAssertEqual(try BatchValidation.validate(good, maxBatchSize: good.readableBytes).count, 1)
    }

    func testLastOffsetDeltaMismatch() throws {
        let bad = mutate(try sampleBatch(records: 5)) { $0.setInteger(Int32(3), at: 23) }
        expect(bad) { $0 == .invalidRecordCount(recordCount: 5, lastOffsetDelta: 3) && $0.kafkaErrorCode == 87 }
        let zero = mutate(try sampleBatch(records: 1)) { $0.setInteger(Int32(0), at: 57) }
        expect(zero) { if case .invalidRecordCount = $0 { return true } else { return false } }
    }

    func testInvalidCompressionBits() throws {
        let bad = mutate(try sampleBatch()) { $0.setInteger(Int16(6), at: RecordBatchHeader.attributesPosition) }
        expect(bad) { $0 == .invalidCompression(6) }
    }

    func testBadRecordFraming() throws {
        // One record more declared than present (header consistent, records short).
        let more = mutate(try sampleBatch(records: 3)) {
            $0.setInteger(Int32(4), at: 57)
            $0.setInteger(Int32(3), at: 23)
        }
        expect(more) { if case .invalidRecord = $0 { return $0.kafkaErrorCode == 87 } else { return false } }

        // offsetDelta of the second record changed from 1 to 5 (one byte varint 0x02 → 0x0A).
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(string: "a"), timestamp: 0)
        builder.append(key: nil, value: ByteBuffer(string: "b"), timestamp: 0)
        let good = try builder.build()
        // Record layout: len, attrs, tsDelta, offsetDelta — record 1 starts after record 0's 8 bytes.
        let second = RecordBatchHeader.size + 8
        XCTAssertEqual(good.getInteger(at: second + 3, as: UInt8.self), 0x02)
        let wrongDelta = mutate(good) { $0.setInteger(UInt8(0x0A), at: second + 3) }
        expect(wrongDelta) { if case .invalidRecord(let r) = $0 { return r.contains("offsetDelta") } else { return false } }

        // Record length larger than the body (header count byte then swallowed).
        let badLength = mutate(good) { $0.setInteger(UInt8(0x10), at: RecordBatchHeader.size) }
        expect(badLength) { if case .invalidRecord = $0 { return true } else { return false } }

        // Trailing garbage after the last record inside the batch.
        var trailing = good
        trailing.writeInteger(UInt8(0))
        trailing = mutate(trailing) { $0.setInteger(Int32($0.readableBytes - 12), at: RecordBatchHeader.batchLengthPosition) }
        expect(trailing) { if case .invalidRecord(let r) = $0 { return r.contains("after the last") } else { return false } }
    }

    func testDecodeReportsDecompressionFailures() throws {
        let big = try sampleBatch(codec: .zstd, records: 50)
        // 400 bytes hold 50 records of the 7-byte minimum, so the count passes and the output cap decides.
        XCTAssertThrowsError(try RecordBatch.decode(big, maxDecompressedSize: 400)) {
            guard case .decompression(.outputTooLarge) = $0 as? RecordValidationError else { return XCTFail("\($0)") }
            XCTAssertEqual(($0 as? RecordValidationError)?.kafkaErrorCode, 10)
        }
        // Corrupt compressed body with a fixed-up CRC.
        let corrupt = mutate(big) { $0.setInteger(UInt32(0xFFFF_FFFF), at: RecordBatchHeader.size) }
        XCTAssertThrowsError(try RecordBatch.decode(corrupt, maxDecompressedSize: 1 << 20)) {
            XCTAssertEqual(($0 as? RecordValidationError)?.kafkaErrorCode, 2)
        }
        // Validation does not look inside compressed batches.
        XCTAssertEqual(try BatchValidation.validate(corrupt, maxBatchSize: 1 << 20).count, 1)
    }
}
