import BrookRecords
import NIOCore
import XCTest

/// The batch rewrites the log cleaner needs: a KIP-534 delete horizon and an emptied producer batch.
final class RecordBatchCleaningTests: XCTestCase {
    private func sample(codec: CompressionCodec) throws -> RecordBatch {
        var builder = RecordBatchBuilder(codec: codec, baseOffset: 100, producerId: 4, producerEpoch: 1, baseSequence: 7)
        builder.append(key: ByteBuffer(string: "a"), value: ByteBuffer(string: "1"), timestamp: 5_000)
        builder.append(key: ByteBuffer(string: "b"), value: nil, timestamp: 5_250)
        return try RecordBatch.decode(try builder.build(), maxDecompressedSize: 1 << 20)
    }

    func testDeleteHorizonMovesBaseTimestampButNotRecordTimestamps() throws {
        for codec in CompressionCodec.allCases {
            let original = try sample(codec: codec)
            XCTAssertNil(original.header.deleteHorizonMs)
            let bytes = try original.withDeleteHorizon(90_000).encode()
            let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
            XCTAssertEqual(decoded.header.deleteHorizonMs, 90_000, "\(codec)")
            XCTAssertEqual(decoded.header.compression, codec)
            XCTAssertEqual(decoded.header.maxTimestamp, 5_250)
            XCTAssertEqual(decoded.records.map { decoded.timestamp(of: $0) }, [5_000, 5_250])
            XCTAssertEqual(decoded.records.map { decoded.offset(of: $0) }, [100, 101])
            XCTAssertEqual(decoded.header.baseSequence, 7)
        }
    }

    func testEmptiedBatchKeepsOffsetsAndProducerFields() throws {
        var header = try sample(codec: .zstd).header
        header.attributes |= 0x10
        let bytes = try RecordBatch.emptied(header).encode()
        XCTAssertEqual(bytes.readableBytes, RecordBatchHeader.size)
        let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 20)
        XCTAssertEqual(decoded.records, [])
        XCTAssertEqual(decoded.header.recordCount, 0)
        XCTAssertEqual(decoded.header.baseOffset, 100)
        XCTAssertEqual(decoded.header.lastOffset, 101)
        XCTAssertEqual(decoded.header.compression, CompressionCodec.none)
        XCTAssertTrue(decoded.header.isTransactional)
        XCTAssertEqual(decoded.header.producerId, 4)
        XCTAssertEqual(decoded.header.producerEpoch, 1)
        XCTAssertEqual(decoded.header.baseSequence, 7)
        XCTAssertEqual(decoded.header.baseTimestamp, 5_250)
    }
}
