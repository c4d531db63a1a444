@testable import BrookStorage
import NIOCore
import XCTest

final class SegmentRecoveryTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    let batchSize = makeBatch(records: 2, valueSize: 20).readableBytes

    /// Ten 2-record batches (offsets 0..19) in one segment, left unclosed like a crash.
    func writeTen(config: LogConfig = LogConfig(indexIntervalBytes: 100)) throws -> String {
        let log = try openLog(dir.path, config: config)
        for i in 0..<10 {
            _ = try log.append(batches: [makeBatch(records: 2, valueSize: 20, timestamp: Int64(i))],
                               leaderEpoch: i < 9 ? 1 : 2, now: 0)
        }
        return try XCTUnwrap(segmentFiles(dir.path, suffix: ".log").last)
    }

    func testUncleanReopenKeepsEverything() throws {
        _ = try writeTen()
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 20)
        XCTAssertEqual(try readAll(log).map(\.base), Array(stride(from: 0, to: 20, by: 2)))
        XCTAssertEqual(try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0).firstOffset, 20)
    }

    func testCleanReopenSkipsScanButUncleanTruncatesCorruptBatch() throws {
        let path = try writeTen()
        // Flip a byte inside the records of batch 4 (covered by the CRC, not the framing).
        try patchFile(path, at: batchSize * 4 + batchSize - 3) { $0 ^ 0xFF }
        let clean = try openLog(dir.path, clean: true)
        XCTAssertEqual(clean.logEndOffset, 20, "clean shutdown: no CRC scan")
        XCTAssertEqual(clean.recoveryPoint, 20)
        try clean.close()

        let unclean = try openLog(dir.path, recoveryPoint: 0)
        XCTAssertEqual(unclean.logEndOffset, 8)
        XCTAssertEqual(try fileSize(path), batchSize * 4)
        XCTAssertEqual(try readAll(unclean).map(\.base), [0, 2, 4, 6])
        XCTAssertEqual(unclean.leaderEpochs, [EpochEntry(epoch: 1, startOffset: 0)])
        XCTAssertEqual(try unclean.append(batches: [makeBatch()], leaderEpoch: 3, now: 0).firstOffset, 8)
    }

    func testTornTailMidBatch() throws {
        let path = try writeTen()
        try truncateFile(path, to: batchSize * 10 - 5)
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 18)
        XCTAssertEqual(try fileSize(path), batchSize * 9)
        XCTAssertEqual(log.leaderEpochs, [EpochEntry(epoch: 1, startOffset: 0)], "epoch 2 started at 18: dropped")
        XCTAssertEqual(try log.append(batches: [makeBatch(records: 3)], leaderEpoch: 2, now: 0).firstOffset, 18)
        try log.close()
        let reopened = try openLog(dir.path, clean: true)
        XCTAssertEqual(reopened.logEndOffset, 21)
        XCTAssertEqual(try readAll(reopened).map(\.last).last, 20)
    }

    func testTornTailInsideHeader() throws {
        let path = try writeTen()
        try truncateFile(path, to: batchSize * 9 + 20)
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 18)
    }

    func testGarbageAfterLastBatch() throws {
        let path = try writeTen()
        try appendToFile(path, (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 20)
        XCTAssertEqual(try fileSize(path), batchSize * 10)
        XCTAssertEqual(try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0).firstOffset, 20)
        XCTAssertEqual(try readAll(log).count, 11)
    }

    func testCorruptCRCByteInHeader() throws {
        let path = try writeTen()
        try patchFile(path, at: batchSize * 9 + 17) { $0 &+ 1 }
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 18)
    }

    /// Issue 10 item 3: a bad byte in a sealed segment being rescanned cuts that segment at the bad
    /// batch but never deletes the segments after it (they used to be dropped, acknowledged data and all).
    func testSegmentsAfterACorruptSealedOneAreKept() throws {
        let config = LogConfig(segmentBytes: batchSize * 3, indexIntervalBytes: 100)
        _ = try writeTen(config: config)
        let files = try segmentFiles(dir.path, suffix: ".log")
        XCTAssertEqual(files.count, 4)
        try patchFile(files[1], at: batchSize + 30) { $0 ^ 0x01 }

        // Corruption below the recovery point is not looked for.
        let trusted = try openLog(dir.path, config: config, recoveryPoint: 18)
        XCTAssertEqual(trusted.logEndOffset, 20)
        trusted.closeWithoutFlushForTesting()

        // Segment 1 holds offsets 6..11; the bad batch is 8..9: 8..11 are lost, 12..19 kept.
        let log = try openLog(dir.path, config: config, recoveryPoint: 0)
        XCTAssertEqual(log.logEndOffset, 20)
        XCTAssertEqual(log.segmentCount, 4)
        XCTAssertEqual(try segmentFiles(dir.path, suffix: ".log").count, 4)
        XCTAssertEqual(try fileSize(files[1]), batchSize)
        XCTAssertEqual(try log.append(batches: [makeBatch(records: 2, valueSize: 20)], leaderEpoch: 1, now: 0).firstOffset, 20)
        XCTAssertEqual(try readAll(log).map(\.base), [0, 2, 4, 6, 12, 14, 16, 18, 20])
        XCTAssertEqual(try log.read(from: 8, maxBytes: 1, upTo: 21, minOneBatch: true).firstBatchOffset, 12,
                       "a read in the gap continues at the next segment")
        try log.close()

        // The cut is stable: a second crash-restart finds nothing more to cut.
        let again = try openLog(dir.path, config: config, recoveryPoint: 0)
        XCTAssertEqual(try readAll(again).map(\.base), [0, 2, 4, 6, 12, 14, 16, 18, 20])
        again.closeWithoutFlushForTesting()
    }

    func testMissingIndexesAreRebuilt() throws {
        let config = LogConfig(indexIntervalBytes: 100)
        _ = try writeTen(config: config)
        let log = try openLog(dir.path, config: config)
        try log.close()
        let index = try XCTUnwrap(segmentFiles(dir.path, suffix: ".index").first)
        let timeIndex = try XCTUnwrap(segmentFiles(dir.path, suffix: ".timeindex").first)
        let originalIndex = try Data(contentsOf: URL(fileURLWithPath: index))
        let originalTimeIndex = try Data(contentsOf: URL(fileURLWithPath: timeIndex))
        XCTAssertGreaterThan(originalIndex.count, 0)
        try FileManager.default.removeItem(atPath: index)
        try FileManager.default.removeItem(atPath: timeIndex)

        let reopened = try openLog(dir.path, config: config, clean: true)
        XCTAssertEqual(reopened.logEndOffset, 20)
        try reopened.close()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: index)), originalIndex)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: timeIndex)), originalTimeIndex)
    }

    func testCorruptIndexesAreRebuilt() throws {
        let config = LogConfig(segmentBytes: batchSize * 4, indexIntervalBytes: 1)
        _ = try writeTen(config: config)
        let log = try openLog(dir.path, config: config)
        try log.close()
        let indexes = try segmentFiles(dir.path, suffix: ".index")
        let timeIndexes = try segmentFiles(dir.path, suffix: ".timeindex")
        let original = try indexes.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        // Sealed segment: out-of-order entry; active segment: partial entry; time index: partial entry.
        try patchFile(indexes[0], at: 3) { _ in 0x7F }
        try appendToFile(indexes[2], [1, 2, 3])
        try appendToFile(timeIndexes[1], [9])

        let reopened = try openLog(dir.path, config: config, clean: true)
        XCTAssertEqual(reopened.logEndOffset, 20)
        XCTAssertEqual(try readAll(reopened).map(\.base), Array(stride(from: 0, to: 20, by: 2)))
        XCTAssertEqual(try reopened.offsetForTimestamp(5)?.offset, 10)
        try reopened.close()
        XCTAssertEqual(try indexes.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, original)
        // An index pointing beyond the log is rebuilt too.
        try truncateFile(indexes[1], to: 0)
        var bogus = Data()
        for value: Int32 in [1, 999_999] { withUnsafeBytes(of: value.bigEndian) { bogus.append(contentsOf: $0) } }
        try appendToFile(indexes[1], Array(bogus))
        let again = try openLog(dir.path, config: config, clean: true)
        XCTAssertEqual(try readAll(again).count, 10)
        try again.close()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: indexes[1])), original[1])
    }
}

extension PartitionLog {
    /// Drops the file descriptors without flushing, as a crash would (page cache keeps the bytes).
    func closeWithoutFlushForTesting() {
        for segment in segments { try? segment.close() }
        isClosed = true
    }
}
