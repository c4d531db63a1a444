import Foundation
import NIOCore
import XCTest

@testable import BrookRecords

/// Record batches captured from real Kafka clients and a real Kafka 3.3.1 broker: Produce requests
/// and Fetch responses. (The recorded payloads are tiny, so librdkafka sent them uncompressed even
/// where a codec was configured; compressed paths are covered by CompressionTests.)
final class GoldenProduceTests: XCTestCase {
    private var goldenRoot: URL {
        // Tests/BrookRecordsTests/<file> → Tests/Fixtures/golden/kafka-3.3.1
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/kafka-3.3.1")
    }

    /// Finds the records blobs in a frame without a protocol decoder: each position where a v2
    /// batch header with a matching CRC starts, extended over the valid batches that follow it.
    private func findRecordBlobs(_ frame: ByteBuffer) -> [ByteBuffer] {
        let bytes = frame.bytes
        var blobs: [ByteBuffer] = []
        var p = 0
        while p + RecordBatchHeader.size <= bytes.count {
            if bytes[p + 16] == 2 {
                let candidate = frame.getSlice(at: frame.readerIndex + p, length: bytes.count - p)!
                let scan = RecordBatchHeader.scanValidPrefix(candidate)
                if !scan.batches.isEmpty {
                    blobs.append(candidate.getSlice(at: candidate.readerIndex, length: scan.validBytes)!)
                    p += scan.validBytes
                    continue
                }
            }
            p += 1
        }
        return blobs
    }

    func testGoldenProduceBatchesDecode() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: goldenRoot.path) else {
            return XCTFail("golden frames missing at \(goldenRoot.path)")
        }
        var codecsSeen: [String: Set<CompressionCodec>] = [:]
        var files = 0
        var xerialSeen = false
        var controlBatches = 0
        var batchCount = 0
        func isBatchCarrier(_ name: String) -> Bool {
            (name.contains("-Produce-") && name.hasSuffix("-req.bin")) || (name.contains("-Fetch-") && name.hasSuffix("-resp.bin"))
        }
        for client in try fm.contentsOfDirectory(atPath: goldenRoot.path).sorted() {
            let dir = goldenRoot.appendingPathComponent(client)
            for name in try fm.contentsOfDirectory(atPath: dir.path).sorted() where isBatchCarrier(name) {
                files += 1
                let data = try Data(contentsOf: dir.appendingPathComponent(name))
                let frame = ByteBuffer(bytes: [UInt8](data))
                let blobs = findRecordBlobs(frame)
                // Empty fetch responses carry no batches; every Produce request must.
                if name.contains("-Produce-") { XCTAssertFalse(blobs.isEmpty, "\(client)/\(name): no record batch found") }
                for blob in blobs {
                    let validated = try BatchValidation.validate(blob, maxBatchSize: 1 << 20)
                    XCTAssertFalse(validated.isEmpty)
                    batchCount += validated.count
                    for v in validated {
                        let batch = try RecordBatch.decode(v.buffer, maxDecompressedSize: 16 << 20)
                        XCTAssertEqual(batch.records.count, Int(v.header.recordCount), "\(client)/\(name)")
                        XCTAssertGreaterThan(batch.records.count, 0)
                        if batch.header.isControl {
                            XCTAssertNotNil(batch.controlRecord, "\(client)/\(name)")
                            controlBatches += 1
                        }
                        for (i, r) in batch.records.enumerated() {
                            XCTAssertEqual(r.offsetDelta, Int32(i))
                            XCTAssertGreaterThan(r.value?.readableBytes ?? 0, 0, "\(client)/\(name) record \(i)")
                        }
                        codecsSeen[client, default: []].insert(v.header.compression)
                        if v.header.compression == .snappy {
                            xerialSeen = xerialSeen || v.buffer.getBytes(at: v.buffer.readerIndex + 61, length: 8) == Snappy.xerialMagic
                        }
                        // Re-encoding the decoded batch reproduces it (uncompressed batches byte for byte).
                        if v.header.compression == .none {
                            XCTAssertEqual(try batch.encode(), v.buffer, "\(client)/\(name)")
                        } else {
                            let again = try RecordBatch.decode(batch.encode(), maxDecompressedSize: 16 << 20)
                            XCTAssertEqual(again.records, batch.records)
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(files, 10)
        XCTAssertGreaterThanOrEqual(batchCount, 60)
        XCTAssertGreaterThan(controlBatches, 0, "the transactional confluent session has commit/abort markers")
        print("golden codecs per client: \(codecsSeen.mapValues { $0.map { "\($0)" }.sorted() }), xerial snappy seen: \(xerialSeen), batches: \(batchCount), control: \(controlBatches)")
    }
}
