@testable import BrookStorage
import NIOCore
import XCTest

final class PartitionLogTruncationTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    let size = makeBatch(records: 2, valueSize: 30).readableBytes

    /// 20 two-record batches (offsets 0..39), 4 batches a segment, timestamps 0, 100, 200...
    func fill(_ config: LogConfig) throws -> PartitionLog {
        let log = try openLog(dir.path, config: config)
        for i in 0..<20 {
            _ = try log.append(batches: [makeBatch(records: 2, valueSize: 30, timestamp: Int64(i) * 100)],
                               leaderEpoch: Int32(i / 5), now: 0)
            log.highWatermark = log.logEndOffset
        }
        return log
    }

    func testTruncateToMiddleOfEarlierSegment() throws {
        let config = LogConfig(segmentBytes: size * 4, indexIntervalBytes: 1)
        let log = try fill(config)
        XCTAssertEqual(log.segmentCount, 5)
        try log.truncate(to: 13)  // inside the batch 12..13 in segment 1 (offsets 8..15)
        XCTAssertEqual(log.logEndOffset, 12)
        XCTAssertEqual(log.segmentCount, 2)
        XCTAssertEqual(log.highWatermark, 12)
        XCTAssertEqual(log.leaderEpochs.map(\.epoch), [0, 1])
        XCTAssertEqual(try readAll(log).map(\.base), [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(try log.offsetForTimestamp(500)?.offset, 10)
        XCTAssertNil(try log.offsetForTimestamp(600))
        XCTAssertEqual(try log.append(batches: [makeBatch(records: 2, valueSize: 30)], leaderEpoch: 7, now: 0).firstOffset, 12)
        try log.close()
        let reopened = try openLog(dir.path, config: config, clean: true)
        XCTAssertEqual(reopened.logEndOffset, 14)
        XCTAssertEqual(try readAll(reopened).map(\.base), [0, 2, 4, 6, 8, 10, 12])
        XCTAssertEqual(try segmentFiles(dir.path, suffix: ".log").count, 2)
    }

    func testTruncateBelowFirstSegmentRestartsEmpty() throws {
        let log = try fill(LogConfig(segmentBytes: size * 4))
        try log.truncate(to: 0)
        XCTAssertEqual(log.logEndOffset, 0)
        XCTAssertEqual(log.segmentCount, 1)
        XCTAssertEqual(log.leaderEpochs, [])
        XCTAssertEqual(try log.append(batches: [makeBatch()], leaderEpoch: 9, now: 0).firstOffset, 0)
    }

    func testDeleteRecordsAndRetention() throws {
        var config = LogConfig(segmentBytes: size * 4, retentionMs: -1)
        let log = try fill(config)
        XCTAssertEqual(try log.advanceLogStartOffset(to: 9), 1)
        XCTAssertEqual(log.logStartOffset, 9)
        XCTAssertThrowsError(try log.read(from: 8, maxBytes: 100, upTo: 40, minOneBatch: true))
        XCTAssertEqual(batchOffsets(try log.read(from: 9, maxBytes: 1, upTo: 40, minOneBatch: true).records).first?.base, 8)
        XCTAssertEqual(try log.offsetForTimestamp(0)?.offset, 9)
        XCTAssertThrowsError(try log.advanceLogStartOffset(to: 41))

        // retention.ms: segments whose newest batch (300, 700, 1100, 1500, 1900) is too old.
        config.retentionMs = 1_000
        log.config = config
        XCTAssertEqual(try log.deleteExpiredSegments(now: 2_150), 2)  // 700 and 1100 are older than 1150
        XCTAssertEqual(log.logStartOffset, 24)
        // The high watermark protects unreplicated segments.
        log.highWatermark = 30
        XCTAssertEqual(try log.deleteExpiredSegments(now: 100_000), 0)
        log.highWatermark = 40
        XCTAssertEqual(try log.deleteExpiredSegments(now: 100_000), 1, "never the active segment")
        XCTAssertEqual(log.segmentCount, 1)

        // retention.bytes keeps the newest segments within the limit.
        let other = try TemporaryDirectory()
        defer { other.cleanup() }
        let sized = try openLog(other.path, config: LogConfig(segmentBytes: size * 4, retentionMs: -1,
                                                             retentionBytes: Int64(size * 9)))
        for _ in 0..<20 { _ = try sized.append(batches: [makeBatch(records: 2, valueSize: 30)], leaderEpoch: 0, now: 0) }
        sized.highWatermark = sized.logEndOffset
        // 20 batches in 5 segments; deleting a third segment would leave 8 < 9 batches.
        XCTAssertEqual(try sized.deleteExpiredSegments(now: 0), 2)
        XCTAssertEqual(sized.logStartOffset, 16)
        XCTAssertEqual(try readAll(sized).count, 12)
    }
}
