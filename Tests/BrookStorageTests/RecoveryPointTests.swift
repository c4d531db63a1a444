@testable import BrookStorage
import Logging
import NIOCore
import XCTest

/// Issue 10 items 3 and 22: a crash (no clean-shutdown marker) after a checkpoint rescans only from the
/// recovery point; a bad byte in an old sealed segment costs no later segment.
final class RecoveryPointTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    private let tp = TopicPartition(topic: "events", partition: 0)

    func testCrashWithAFlippedByteInAnOldSealedSegmentKeepsEveryLaterSegment() throws {
        let config = LogConfig(segmentBytes: makeBatch(records: 2).readableBytes * 3, indexIntervalBytes: 1)
        var data = try DataDirectory(path: dir.path)
        let log = try data.openLog(tp, config: config, now: 0)
        for _ in 0..<10 { _ = try log.append(batches: [makeBatch(records: 2)], leaderEpoch: 0, now: 0) }
        let flush = try XCTUnwrap(log.prepareFlush(now: 0))
        try flush.perform()
        log.completeFlush(flush)
        // What the periodic checkpoint writes while the broker runs.
        try data.writeCheckpoints([tp: (log.recoveryPoint, log.logStartOffset)])
        log.closeWithoutFlushForTesting()
        data.unlock()  // a crash: no clean-shutdown marker

        let files = try segmentFiles(dir.path + "/events-0", suffix: ".log")
        XCTAssertEqual(files.count, 4)
        try patchFile(files[0], at: makeBatch(records: 2).readableBytes + 40) { $0 ^ 0xFF }

        data = try DataDirectory(path: dir.path)
        defer { data.unlock() }
        XCTAssertFalse(data.wasCleanShutdown)
        let reopened = try data.openLog(tp, config: config, now: 0)
        XCTAssertEqual(reopened.logEndOffset, 20)
        XCTAssertEqual(reopened.segmentCount, 4)
        XCTAssertEqual(try segmentFiles(dir.path + "/events-0", suffix: ".log"), files)
        XCTAssertEqual(reopened.recoveredFromOffset, 18, "only the segment holding the recovery point is rescanned")
        try reopened.close()
    }

    /// Above the recovery point a sealed segment is rescanned: its corruption is reported as an error
    /// naming the file, the byte position and the offsets lost, and the later segments stay.
    func testCorruptionInARescannedSealedSegmentIsReportedWithFileAndOffsets() throws {
        let size = makeBatch(records: 2).readableBytes
        let config = LogConfig(segmentBytes: size * 3, indexIntervalBytes: 1)
        let log = try openLog(dir.path, config: config)
        for _ in 0..<10 { _ = try log.append(batches: [makeBatch(records: 2)], leaderEpoch: 0, now: 0) }
        log.closeWithoutFlushForTesting()
        let files = try segmentFiles(dir.path, suffix: ".log")
        try patchFile(files[1], at: size + 40) { $0 ^ 0xFF }

        let (logger, logged) = CapturingLogHandler.logger()
        let reopened = try PartitionLog(directory: dir.path, topicPartition: testTopicPartition, config: config,
                                        recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0,
                                        logger: logger)
        XCTAssertEqual(reopened.logEndOffset, 20)
        let report = try XCTUnwrap(logged.withLockedValue { $0.first { $0.level == .error } })
        XCTAssertEqual(report.message, "corrupt batch in a sealed segment: cut there, later segments kept")
        XCTAssertEqual(report.metadata["brook.segment"], "\(files[1])")
        XCTAssertEqual(report.metadata["brook.position"], "\(size)")
        XCTAssertEqual(report.metadata["brook.offsetsLost"], "8..<12")
        try reopened.close()
    }

    func testNewDataDirectoryIsNotReportedAsAnUncleanShutdown() throws {
        let (logger, logged) = CapturingLogHandler.logger()
        let fresh = try DataDirectory(path: dir.path + "/new", logger: logger)
        XCTAssertTrue(fresh.wasNew)
        fresh.unlock()
        XCTAssertEqual(logged.withLockedValue { $0.map(\.message) }, ["new data directory"])
        let again = try DataDirectory(path: dir.path + "/new", logger: logger)
        XCTAssertFalse(again.wasNew, "it holds the lock file now")
        again.unlock()
        XCTAssertEqual(logged.withLockedValue { $0.last?.message }, "opened data directory")
        XCTAssertEqual(logged.withLockedValue { $0.last?.metadata["brook.cleanShutdown"] }, "false")
        try FileManager.default.createDirectory(atPath: dir.path + "/empty", withIntermediateDirectories: true)
        let empty = try DataDirectory(path: dir.path + "/empty")
        XCTAssertTrue(empty.wasNew, "an existing empty directory is new too")
        empty.unlock()
    }
}
