import NIOCore
import XCTest

@testable import BrookRecords

final class BatchScannerTests: XCTestCase {
    func testScanStopsAtTornTail() throws {
        var log = ByteBuffer()
        var sizes: [Int] = []
        for i in 0..<3 {
            var b = try sampleBatch(codec: i == 1 ? .lz4 : .none, records: 2 + i, baseOffset: Int64(i * 10))
            sizes.append(b.readableBytes)
            log.writeBuffer(&b)
        }
        let full = RecordBatchHeader.scanValidPrefix(log)
        XCTAssertEqual(full.validBytes, log.readableBytes)
        XCTAssertEqual(full.batches.map(\.position), [0, sizes[0], sizes[0] + sizes[1]])
        XCTAssertEqual(full.batches.map(\.header.baseOffset), [0, 10, 20])

        let torn = log.getSlice(at: 0, length: log.readableBytes - 7)!
        let scan = RecordBatchHeader.scanValidPrefix(torn)
        XCTAssertEqual(scan.validBytes, sizes[0] + sizes[1])
        XCTAssertEqual(scan.batches.count, 2)

        var corrupted = log
        corrupted.setInteger(UInt8(0x55), at: sizes[0] + 70)  // inside batch 2's records
        XCTAssertEqual(RecordBatchHeader.scanValidPrefix(corrupted).validBytes, sizes[0])
        var iterator = BatchIterator(corrupted)
        while iterator.next() != nil {}
        if case .corrupt = iterator.stopReason {} else { XCTFail("\(String(describing: iterator.stopReason))") }
        // Without CRC checks the frame alone is followed.
        XCTAssertEqual(Array(BatchIterator(corrupted, verifyCRC: false)).count, 3)

        var zeroTail = log
        zeroTail.writeRepeatingByte(0, count: 4096)  // preallocated, never written
        XCTAssertEqual(RecordBatchHeader.scanValidPrefix(zeroTail).validBytes, log.readableBytes)
        XCTAssertEqual(RecordBatchHeader.scanValidPrefix(ByteBuffer()).validBytes, 0)
    }

    func testHeaderRewrites() throws {
        var blob = ByteBuffer(string: "prefix")
        var batch = try sampleBatch(records: 3)
        blob.writeBuffer(&batch)
        blob.moveReaderIndex(forwardBy: 6)
        let at = blob.readerIndex
        RecordBatchHeader.setBaseOffset(1_000, in: &blob, at: at)
        RecordBatchHeader.setPartitionLeaderEpoch(7, in: &blob, at: at)
        var validated = try BatchValidation.validate(blob, maxBatchSize: 1 << 20)  // CRC still valid
        XCTAssertEqual(validated[0].header.baseOffset, 1_000)
        XCTAssertEqual(validated[0].header.partitionLeaderEpoch, 7)
        XCTAssertEqual(validated[0].header.lastOffset, 1_002)

        let before = validated[0].header
        XCTAssertTrue(RecordBatchHeader.stampLogAppendTime(123_456, in: &blob, at: at))
        validated = try BatchValidation.validate(blob, maxBatchSize: 1 << 20)
        let stamped = validated[0].header
        XCTAssertEqual(stamped.timestampType, .logAppendTime)
        XCTAssertEqual(stamped.maxTimestamp, 123_456)
        XCTAssertEqual(stamped.baseTimestamp, before.baseTimestamp)
        XCTAssertEqual(stamped.compression, before.compression)
        let decoded = try RecordBatch.decode(blob, maxDecompressedSize: 1 << 20)
        XCTAssertEqual(decoded.records.map { decoded.timestamp(of: $0) }, [123_456, 123_456, 123_456])

        XCTAssertTrue(RecordBatchHeader.stampLogAppendTime(9, in: &blob, at: at, updateBaseTimestamp: true))
        XCTAssertEqual(try BatchValidation.validate(blob, maxBatchSize: 1 << 20)[0].header.baseTimestamp, 9)

        var short = blob.getSlice(at: at, length: 40)!
        XCTAssertFalse(RecordBatchHeader.stampLogAppendTime(1, in: &short, at: 0))
    }
}
