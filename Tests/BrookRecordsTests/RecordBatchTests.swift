import NIOCore
import XCTest

@testable import BrookRecords

final class RecordBatchTests: XCTestCase {
    func testRecordRoundTrip() throws {
        let records = [
            Record(offsetDelta: 0, timestampDelta: 0, key: nil, value: nil),
            Record(offsetDelta: 1, timestampDelta: -5, key: ByteBuffer(string: "k"), value: ByteBuffer()),
            Record(
                offsetDelta: 2, timestampDelta: 1 << 40, key: ByteBuffer(), value: ByteBuffer(string: "value"),
                headers: [RecordHeader(key: "é-ключ", value: nil), RecordHeader(key: "", value: ByteBuffer(string: "x"))]),
        ]
        var section = ByteBuffer()
        for r in records { r.encode(into: &section) }
        XCTAssertEqual(section.readableBytes, records.reduce(0) { $0 + $1.encodedSize })
        let decoded = try RecordSectionReader.decode(section, count: records.count).get()
        XCTAssertEqual(decoded, records)
        section.withUnsafeReadableBytes { XCTAssertNil(RecordSectionReader.checkFraming($0, count: 3)) }
    }

    func testKnownRecordBytes() {
        // key "k1" value "hello", as kcat sends it (see golden kcat Produce request).
        var b = ByteBuffer()
        Record(offsetDelta: 0, key: ByteBuffer(string: "k1"), value: ByteBuffer(string: "hello")).encode(into: &b)
        XCTAssertEqual(b.bytes, [0x1A, 0x00, 0x00, 0x00, 0x04, 0x6B, 0x31, 0x0A, 0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x00])
    }

    func testBatchRoundTripEveryCodec() throws {
        for codec in CompressionCodec.allCases {
            var builder = RecordBatchBuilder(
                codec: codec, baseOffset: 100, partitionLeaderEpoch: 3, producerId: 99, producerEpoch: 2, baseSequence: 10)
            for i in 0..<50 {
                builder.append(
                    key: i % 4 == 0 ? nil : ByteBuffer(string: "key\(i)"),
                    value: i % 5 == 0 ? nil : ByteBuffer(string: String(repeating: "payload-\(i)-", count: 20)),
                    headers: i % 3 == 0 ? [RecordHeader(key: "trace", value: ByteBuffer(string: "\(i)")), RecordHeader(key: "null", value: nil)] : [],
                    timestamp: 1_000 + Int64(i % 7))
            }
            let bytes = try builder.build()
            let header = try XCTUnwrap(RecordBatchHeader(peekingAt: bytes))
            XCTAssertEqual(header.totalSize, bytes.readableBytes, "\(codec)")
            XCTAssertEqual(header.compression, codec)
            XCTAssertEqual(header.recordCount, 50)
            XCTAssertEqual(header.lastOffsetDelta, 49)
            XCTAssertEqual(header.baseTimestamp, 1_000)
            XCTAssertEqual(header.maxTimestamp, 1_006)
            XCTAssertEqual(header.crc, bytes.withUnsafeReadableBytes { RecordBatchHeader.computeCRC($0, size: $0.count) })

            let batch = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
            XCTAssertEqual(batch.header, header)
            XCTAssertEqual(batch.records, builder.records, "\(codec)")
            XCTAssertEqual(batch.offset(of: batch.records[7]), 107)
            XCTAssertEqual(batch.timestamp(of: batch.records[6]), 1_006)
            XCTAssertEqual(try BatchValidation.validate(bytes, maxBatchSize: 1 << 20).count, 1)
            if codec != .none { XCTAssertLessThan(bytes.readableBytes, 50 * 200, "\(codec) should compress") }
        }
    }

    func testTransactionalAndLogAppendTimeFlags() throws {
        var builder = RecordBatchBuilder(producerId: 1, producerEpoch: 0, baseSequence: 0, isTransactional: true, logAppendTime: 5_555)
        builder.append(key: nil, value: ByteBuffer(string: "a"), timestamp: 1)
        builder.append(key: nil, value: ByteBuffer(string: "b"), timestamp: 9)
        let batch = try RecordBatch.decode(builder.build(), maxDecompressedSize: 1 << 20)
        XCTAssertTrue(batch.header.isTransactional)
        XCTAssertEqual(batch.header.timestampType, .logAppendTime)
        XCTAssertEqual(batch.header.maxTimestamp, 5_555)
        XCTAssertEqual(batch.records.map { batch.timestamp(of: $0) }, [5_555, 5_555])
        XCTAssertFalse(batch.header.isControl)
    }

    func testControlBatches() throws {
        for type in ControlRecordType.allCases {
            let batch = RecordBatch.control(type, coordinatorEpoch: 17, producerId: 4, producerEpoch: 3, timestamp: 77, baseOffset: 9)
            let bytes = try batch.encode()
            let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1024)
            XCTAssertTrue(decoded.header.isControl)
            XCTAssertTrue(decoded.header.isTransactional)
            XCTAssertEqual(decoded.header.producerId, 4)
            XCTAssertEqual(decoded.controlRecord, ControlRecord(type: type, coordinatorEpoch: 17))
            // Key: version 0, type; value: version 0, coordinator epoch.
            XCTAssertEqual(decoded.records[0].key?.bytes, [0, 0, 0, UInt8(type.rawValue)])
            XCTAssertEqual(decoded.records[0].value?.bytes, [0, 0, 0, 0, 0, 17])
            XCTAssertEqual(try BatchValidation.validate(bytes, maxBatchSize: 1024).first?.header.isControl, true)
        }
        XCTAssertNil(ControlRecord(key: ByteBuffer(bytes: [0, 0, 0, 9]), value: ByteBuffer(bytes: [0, 0, 0, 0, 0, 1])))
    }

    func testDecodeAllAndSlices() throws {
        var blob = try sampleBatch(codec: .none, records: 3)
        var second = try sampleBatch(codec: .gzip, records: 4, baseOffset: 3)
        blob.writeBuffer(&second)
        let batches = try RecordBatch.decodeAll(blob, maxDecompressedSize: 1 << 20)
        XCTAssertEqual(batches.map(\.records.count), [3, 4])
        XCTAssertEqual(batches[1].records[0].key.map { String(buffer: $0) }, "key-0")
        XCTAssertNil(batches[1].records[1].key)
        XCTAssertNil(batches[1].records[2].value)
        XCTAssertEqual(batches[1].records[1].headers, [RecordHeader(key: "h1", value: ByteBuffer(string: "v")), RecordHeader(key: "n", value: nil)])
    }

    func testEmptyBatchEncodesAndDecodes() throws {
        let bytes = try RecordBatchBuilder().build()
        XCTAssertEqual(bytes.readableBytes, RecordBatchHeader.size)
        XCTAssertEqual(try RecordBatch.decode(bytes, maxDecompressedSize: 10).records, [])
        XCTAssertThrowsError(try BatchValidation.validate(bytes, maxBatchSize: 1000)) { error in
            XCTAssertEqual(error as? RecordValidationError, .invalidRecordCount(recordCount: 0, lastOffsetDelta: 0))
        }
    }
}
