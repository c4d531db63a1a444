@testable import BrookClient
import BrookRecords
import NIOCore
import XCTest

/// The producer's direct record writer must produce exactly BrookRecords' `Record.encode` bytes.
final class RecordEncodingTests: XCTestCase {
    func testMatchesRecordEncode() throws {
        let long = ByteBuffer(repeating: 7, count: 70_000)
        let cases: [(Int32, Int64, ByteBuffer?, ByteBuffer?, [RecordHeader])] = [
            (0, 0, nil, nil, []),
            (1, 5, ByteBuffer(string: "k"), ByteBuffer(string: "v"), []),
            (63, -1_000, ByteBuffer(), ByteBuffer(string: "empty key"), [RecordHeader(key: "h", value: nil)]),
            (64, 1 << 40, nil, long, [RecordHeader(key: "ünï", value: ByteBuffer(string: "x")), RecordHeader(key: "", value: ByteBuffer())]),
            (Int32.max, Int64.min / 2, long, nil, (0..<200).map { RecordHeader(key: "k\($0)", value: ByteBuffer(string: "\($0)")) }),
        ]
        for (offsetDelta, timestampDelta, key, value, headers) in cases {
            var direct = ByteBuffer()
            RecordEncoding.write(offsetDelta: offsetDelta, timestampDelta: timestampDelta, key: key, value: value, headers: headers, into: &direct)
            var reference = ByteBuffer()
            Record(offsetDelta: offsetDelta, timestampDelta: timestampDelta, key: key, value: value, headers: headers).encode(into: &reference)
            XCTAssertEqual(direct, reference, "offsetDelta \(offsetDelta)")
        }
    }

    func testBatchDecodesWithBrookRecords() throws {
        var batch = ProducerBatch(partition: TopicPartition("t", 0), createdAt: .now(), capacity: 64)
        for index in 0..<300 {
            batch.append(key: ByteBuffer(string: "k\(index)"), value: ByteBuffer(string: String(repeating: "v", count: index)),
                         headers: [RecordHeader(key: "i", value: ByteBuffer(string: "\(index)"))],
                         pending: PendingRecord(completion: .report, timestamp: 1_000 + Int64(index % 7), acceptedAt: .now(), size: 0))
        }
        batch.baseSequence = 42
        for codec in CompressionCodec.allCases {
            var copy = batch
            let bytes = try copy.encode(codec: codec, level: nil, producerId: 9, producerEpoch: 2)
            let decoded = try RecordBatch.decode(bytes, maxDecompressedSize: 1 << 24)
            XCTAssertEqual(decoded.header.compression, codec)
            XCTAssertEqual(decoded.header.recordCount, 300)
            XCTAssertEqual(decoded.header.lastOffsetDelta, 299)
            XCTAssertEqual(decoded.header.producerId, 9)
            XCTAssertEqual(decoded.header.producerEpoch, 2)
            XCTAssertEqual(decoded.header.baseSequence, 42)
            XCTAssertEqual(decoded.header.baseTimestamp, 1_000)
            XCTAssertEqual(decoded.header.maxTimestamp, 1_006)
            XCTAssertEqual(decoded.records.map { decoded.timestamp(of: $0) }, (0..<300).map { 1_000 + Int64($0 % 7) })
            XCTAssertEqual(decoded.records[299].value.map { String(buffer: $0) }, String(repeating: "v", count: 299))
            XCTAssertEqual(try copy.encode(codec: codec, level: nil, producerId: 1, producerEpoch: 1), bytes, "encoded once, reused on retry")
        }
    }

    func testRecycledBufferNeverChangesBytesStillReferenced() throws {
        var accumulator = RecordAccumulator(batchSize: 200, linger: .zero)
        let p0 = TopicPartition("t", 0)
        func add(_ text: String) {
            _ = accumulator.append(key: nil, value: ByteBuffer(string: text), headers: [],
                                   pending: PendingRecord(completion: .report, timestamp: 0, acceptedAt: .now(), size: 150), to: p0, now: .now())
        }
        add(String(repeating: "a", count: 150))  // fills a batch: later batches get full-size buffers
        var first = accumulator.drain(now: .now(), flushing: true) { _ in true }.batches[0]
        let sent = try first.encode(codec: .none, level: nil, producerId: -1, producerEpoch: -1)
        accumulator.complete(first)
        accumulator.recycle(sent)
        add(String(repeating: "b", count: 150))
        var second = accumulator.drain(now: .now(), flushing: true) { _ in true }.batches[0]
        let next = try second.encode(codec: .none, level: nil, producerId: -1, producerEpoch: -1)
        XCTAssertEqual(try RecordBatch.decode(sent, maxDecompressedSize: 1 << 20).records.first?.value.map { String(buffer: $0) },
                       String(repeating: "a", count: 150), "the old batch's bytes are untouched")
        XCTAssertEqual(try RecordBatch.decode(next, maxDecompressedSize: 1 << 20).records.first?.value.map { String(buffer: $0) },
                       String(repeating: "b", count: 150))
    }
}
