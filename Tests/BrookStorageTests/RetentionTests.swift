@testable import BrookStorage
import XCTest

/// `deleteExpiredSegments` and `advanceLogStartOffset` on a manual clock (the `now` argument).
final class RetentionTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    /// One batch per segment (segment.bytes smaller than two batches), timestamps 1000, 2000, ...
    private func makeLog(retentionMs: Int64 = -1, retentionBytes: Int64 = -1, batches: Int) throws -> PartitionLog {
        var config = LogConfig()
        config.segmentBytes = makeBatch(valueSize: 100).readableBytes + 10
        config.retentionMs = retentionMs
        config.retentionBytes = retentionBytes
        let log = try PartitionLog(directory: dir.path + "/t-0", topicPartition: TopicPartition(topic: "t", partition: 0),
                                   config: config, recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
        for i in 0..<batches {
            let ts = Int64(i + 1) * 1000
            _ = try log.append(batches: [makeBatch(valueSize: 100, timestamp: ts)], leaderEpoch: 0, now: ts)
            log.highWatermark = log.logEndOffset
        }
        return log
    }

    func testTimeRetentionDeletesOnlyExpiredSealedSegments() throws {
        let log = try makeLog(retentionMs: 2500, batches: 5)
        XCTAssertEqual(log.segmentCount, 5)
        XCTAssertEqual(try log.deleteExpiredSegments(now: 3000), 0)
        // Segments with max timestamps 1000 and 2000 are more than 2500 ms old at 5000.
        XCTAssertEqual(try log.deleteExpiredSegments(now: 5000), 2)
        XCTAssertEqual(log.logStartOffset, 2)
        // Far in the future everything but the active segment goes.
        XCTAssertEqual(try log.deleteExpiredSegments(now: 1_000_000), 2)
        XCTAssertEqual(log.segmentCount, 1)
        XCTAssertEqual(log.logStartOffset, 4)
        XCTAssertThrowsError(try log.read(from: 3, maxBytes: 1000, upTo: 5, minOneBatch: true))
    }

    func testSizeRetentionKeepsNewestWithinLimit() throws {
        let one = Int64(makeBatch(valueSize: 100).readableBytes)
        let log = try makeLog(retentionBytes: one * 2, batches: 5)
        XCTAssertEqual(try log.deleteExpiredSegments(now: 0), 3)
        XCTAssertEqual(log.logStartOffset, 3)
        XCTAssertEqual(log.sizeInBytes, one * 2)
    }

    func testRetentionNeverTouchesDataAboveHighWatermark() throws {
        let log = try makeLog(retentionMs: 1, batches: 4)
        log.highWatermark = 1
        XCTAssertEqual(try log.deleteExpiredSegments(now: 1_000_000), 1)
        XCTAssertEqual(log.logStartOffset, 1)
    }

    func testAdvanceLogStartOffsetDeletesWholeSegmentsBelow() throws {
        let log = try makeLog(batches: 4)
        XCTAssertEqual(try log.advanceLogStartOffset(to: 2), 2)
        XCTAssertEqual(log.logStartOffset, 2)
        XCTAssertThrowsError(try log.advanceLogStartOffset(to: 10))
        XCTAssertEqual(try log.offsetOfMaxTimestamp()?.offset, 3)
    }
}

extension RetentionTests {
    func testDeletedSegmentsAreRenamedThenRemovedLaterOrAtStartUp() throws {
        var log = try makeLog(retentionMs: 2500, batches: 4)
        XCTAssertEqual(try log.deleteExpiredSegments(now: 5000), 2)
        let retired = log.takeRetiredFiles()
        XCTAssertEqual(retired.count, 6)
        XCTAssertTrue(retired.allSatisfy { $0.hasSuffix(".deleted") && FileManager.default.fileExists(atPath: $0) })
        XCTAssertEqual(log.takeRetiredFiles(), [])
        try PartitionLog.removeRetiredFiles([retired[0]])
        XCTAssertFalse(FileManager.default.fileExists(atPath: retired[0]))
        // The rest are left over as after a crash: the next open removes them.
        try log.close()
        log = try PartitionLog(directory: dir.path + "/t-0", topicPartition: TopicPartition(topic: "t", partition: 0),
                               config: LogConfig(), recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
        XCTAssertFalse(retired.contains { FileManager.default.fileExists(atPath: $0) })
        XCTAssertEqual(log.logStartOffset, 2)
    }
}
