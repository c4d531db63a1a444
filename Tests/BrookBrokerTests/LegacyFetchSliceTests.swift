@testable import BrookBroker
@testable import BrookRecords
@testable import BrookStorage
import NIOCore
import XCTest

/// The bounded reads behind Fetch below v10: whole batches of a log slice through a small window,
/// the zstd cut for v4–9, and conversion of a slice with its limits and errors.
final class LegacyFetchSliceTests: XCTestCase {
    private var path: String!

    override func setUp() { path = TestBroker.makeTempDir() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    private func makeLog(_ codecs: [CompressionCodec], valueSizes: [Int]) throws -> (PartitionLog, [ByteBuffer]) {
        let log = try PartitionLog(directory: path + "/t-0", topicPartition: TopicPartition(topic: "t", partition: 0),
                                   config: LogConfig(), recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
        var stored: [ByteBuffer] = []
        for (i, codec) in codecs.enumerated() {
            var builder = RecordBatchBuilder(codec: codec, baseOffset: log.logEndOffset)
            builder.append(key: nil, value: ByteBuffer(repeating: UInt8(i & 0xFF), count: valueSizes[i % valueSizes.count]),
                           timestamp: Int64(i))
            let batch = try builder.build()
            _ = try log.append(batches: [batch], leaderEpoch: 0, now: 0)
            stored.append(batch)
        }
        log.highWatermark = log.logEndOffset
        return (log, stored)
    }

    private func slice(_ log: PartitionLog, from offset: Int64 = 0) throws -> LogSlice {
        try XCTUnwrap(try log.slice(from: offset, maxBytes: 1 << 30, upTo: log.logEndOffset, minOneBatch: true))
    }

    func testReaderReturnsEveryWholeBatchWhateverTheWindow() throws {
        let (log, stored) = try makeLog(Array(repeating: .none, count: 30), valueSizes: [10, 300, 5000, 70_000])
        let whole = try slice(log)
        for chunk in [1, 61, 100, 4096, 64 * 1024, 1 << 20] {
            var reader = LogSliceBatchReader(whole, chunkSize: chunk)
            var read: [ByteBuffer] = []
            while let batch = try reader.next() { read.append(batch) }
            // Stored batches differ from the appended ones only in base offset and leader epoch.
            XCTAssertEqual(read.map { $0.getSlice(at: 17, length: $0.readableBytes - 17) },
                           stored.map { $0.getSlice(at: 17, length: $0.readableBytes - 17) }, "chunk \(chunk)")
            var headers = LogSliceBatchReader(whole, chunkSize: chunk)
            var count = 0
            while let (header, _) = try headers.nextHeader() {
                XCTAssertEqual(header.baseOffset, Int64(count))
                count += 1
            }
            XCTAssertEqual(count, 30)
        }
        // A batch cut by the end of the slice is not returned.
        var cut = LogSliceBatchReader(whole.prefix(whole.length - 1), chunkSize: 1000)
        var count = 0
        while try cut.next() != nil { count += 1 }
        XCTAssertEqual(count, 29)
        whole.file.release()
        try log.close()
    }

    func testZstdCutKeepsTheBatchesBeforeIt() throws {
        let (log, stored) = try makeLog([.none, .gzip, .zstd, .none], valueSizes: [100])
        let cut = try XCTUnwrap(LegacyFetchConversion.cutBeforeZstd(try slice(log)))
        XCTAssertEqual(cut.length, stored[0].readableBytes + stored[1].readableBytes)
        cut.file.release()
        XCTAssertNil(LegacyFetchConversion.cutBeforeZstd(try slice(log, from: 2)))
        let after = try slice(log, from: 3)
        XCTAssertEqual(LegacyFetchConversion.cutBeforeZstd(after)?.length, stored[3].readableBytes)
        after.file.release()
        try log.close()
    }

    func testConversionReportsZstdOnlyWhenNothingCameBefore() throws {
        let (log, _) = try makeLog([.lz4, .zstd], valueSizes: [100])
        let first = LegacyFetchConversion.convert(try slice(log), magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true,
                                                  maxDecompressedSize: 1 << 20)
        XCTAssertEqual(first.error, .none)
        XCTAssertEqual(first.records.getInteger(at: 0, as: Int64.self), 0)
        XCTAssertEqual(first.records.readableBytes, 12 + Int(first.records.getInteger(at: 8, as: Int32.self)!))
        let zstd = LegacyFetchConversion.convert(try slice(log, from: 1), magic: 0, fetchOffset: 1, limit: 1 << 20,
                                                 alwaysTakeFirst: true, maxDecompressedSize: 1 << 20)
        XCTAssertEqual(zstd.error, .unsupportedCompressionType)
        XCTAssertEqual(zstd.records.readableBytes, 0)
        // A cap below the records is a stored batch the broker will not decompress: an error, no trap.
        let capped = LegacyFetchConversion.convert(try slice(log), magic: 1, fetchOffset: 0, limit: 1 << 20, alwaysTakeFirst: true,
                                                   maxDecompressedSize: 8)
        XCTAssertNotEqual(capped.error, .none)
        try log.close()
    }
}
