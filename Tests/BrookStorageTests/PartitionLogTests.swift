@testable import BrookStorage
import NIOCore
import XCTest

final class PartitionLogTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    func testAppendAssignsOffsetsAndReadsBack() throws {
        let log = try openLog(dir.path)
        XCTAssertEqual(log.logEndOffset, 0)
        let first = try log.append(batches: [makeBatch(records: 3, baseOffset: 77), makeBatch(records: 2)],
                                   leaderEpoch: 5, now: 0)
        XCTAssertEqual(first.firstOffset, 0)
        XCTAssertEqual(first.lastOffset, 4)
        XCTAssertEqual(first.bytes, makeBatch(records: 3).readableBytes + makeBatch(records: 2).readableBytes)
        let second = try log.append(batches: [makeBatch(records: 1, timestamp: 5_000)], leaderEpoch: 6, now: 0)
        XCTAssertEqual(second.firstOffset, 5)
        XCTAssertEqual(second.lastOffset, 5)
        XCTAssertEqual(second.maxTimestamp, 5_000)
        XCTAssertEqual(log.logEndOffset, 6)

        let read = try log.read(from: 0, maxBytes: 1 << 20, upTo: 6, minOneBatch: true)
        XCTAssertEqual(read.firstBatchOffset, 0)
        let batches = batchOffsets(read.records)
        XCTAssertEqual(batches.map(\.base), [0, 3, 5])
        XCTAssertEqual(batches.map(\.last), [2, 4, 5])
        XCTAssertEqual(batches.map(\.epoch), [5, 5, 6])
        XCTAssertEqual(log.leaderEpochs, [EpochEntry(epoch: 5, startOffset: 0), EpochEntry(epoch: 6, startOffset: 5)])
        XCTAssertEqual(log.endOffset(forLeaderEpoch: 5)?.endOffset, 5)
        XCTAssertEqual(log.endOffset(forLeaderEpoch: 6)?.endOffset, 6)

        // Reading from the middle of a batch returns that whole batch.
        let middle = try log.read(from: 4, maxBytes: 1 << 20, upTo: 6, minOneBatch: true)
        XCTAssertEqual(batchOffsets(middle.records).map(\.base), [3, 5])
        XCTAssertEqual(middle.firstBatchOffset, 3)
        try log.close()
    }

    func testReadLimits() throws {
        let log = try openLog(dir.path)
        let size = makeBatch(records: 2, valueSize: 100).readableBytes
        for _ in 0..<5 { _ = try log.append(batches: [makeBatch(records: 2, valueSize: 100)], leaderEpoch: 0, now: 0) }

        // maxBytes cuts at whole batches.
        var read = try log.read(from: 0, maxBytes: size * 2 + size / 2, upTo: 10, minOneBatch: true)
        XCTAssertEqual(batchOffsets(read.records).map(\.base), [0, 2])
        XCTAssertEqual(read.records.readableBytes, size * 2)
        // minOneBatch returns one batch larger than maxBytes; without it nothing.
        read = try log.read(from: 2, maxBytes: 10, upTo: 10, minOneBatch: true)
        XCTAssertEqual(batchOffsets(read.records).map(\.base), [2])
        read = try log.read(from: 2, maxBytes: 10, upTo: 10, minOneBatch: false)
        XCTAssertEqual(read.records.readableBytes, 0)
        XCTAssertNil(read.firstBatchOffset)
        // upTo excludes batches that reach it.
        read = try log.read(from: 0, maxBytes: 1 << 20, upTo: 5, minOneBatch: true)
        XCTAssertEqual(batchOffsets(read.records).map(\.base), [0, 2])
        read = try log.read(from: 4, maxBytes: 1 << 20, upTo: 5, minOneBatch: true)
        XCTAssertEqual(read.records.readableBytes, 0)
        // At the end: empty; beyond: out of range.
        read = try log.read(from: 10, maxBytes: 1 << 20, upTo: 10, minOneBatch: true)
        XCTAssertEqual(read.records.readableBytes, 0)
        XCTAssertThrowsError(try log.read(from: 11, maxBytes: 100, upTo: 11, minOneBatch: true)) { error in
            guard case StorageError.offsetOutOfRange(11, 0, 10) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try log.read(from: -1, maxBytes: 100, upTo: 10, minOneBatch: true))
    }

    func testRejectsMalformedAndOversizedAppends() throws {
        let log = try openLog(dir.path, config: LogConfig(segmentBytes: 200))
        var short = makeBatch()
        short.moveWriterIndex(to: short.writerIndex - 1)
        XCTAssertThrowsError(try log.append(batches: [short], leaderEpoch: 0, now: 0))
        XCTAssertThrowsError(try log.append(batches: [makeBatch(valueSize: 300)], leaderEpoch: 0, now: 0)) { error in
            guard case StorageError.batchTooLargeForSegment = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(log.logEndOffset, 0)
    }

    func testRollsOnSegmentBytes() throws {
        let size = makeBatch(valueSize: 50).readableBytes
        let log = try openLog(dir.path, config: LogConfig(segmentBytes: size * 3))
        for _ in 0..<10 { _ = try log.append(batches: [makeBatch(valueSize: 50)], leaderEpoch: 0, now: 0) }
        XCTAssertEqual(log.segmentCount, 4)
        let logs = try segmentFiles(dir.path, suffix: ".log")
        XCTAssertEqual(logs.map { ($0 as NSString).lastPathComponent },
                       ["00000000000000000000.log", "00000000000000000003.log",
                        "00000000000000000006.log", "00000000000000000009.log"])
        XCTAssertEqual(try readAll(log).map(\.base), Array(0..<10))
    }

    func testRollsOnSegmentMs() throws {
        let log = try openLog(dir.path, config: LogConfig(segmentMs: 1_000), now: 0)
        _ = try log.append(batches: [makeBatch(timestamp: 10_000)], leaderEpoch: 0, now: 10_000)
        _ = try log.append(batches: [makeBatch(timestamp: 10_900)], leaderEpoch: 0, now: 10_900)
        XCTAssertEqual(log.segmentCount, 1)
        _ = try log.append(batches: [makeBatch(timestamp: 11_001)], leaderEpoch: 0, now: 11_001)
        XCTAssertEqual(log.segmentCount, 2)
        _ = try log.append(batches: [makeBatch(timestamp: 11_500)], leaderEpoch: 0, now: 11_500)
        XCTAssertEqual(log.segmentCount, 2)

        // Batches without timestamps fall back to the segment's creation time (`now`).
        let other = try TemporaryDirectory()
        defer { other.cleanup() }
        let log2 = try openLog(other.path, config: LogConfig(segmentMs: 1_000), now: 0)
        _ = try log2.append(batches: [makeBatch(timestamp: -1)], leaderEpoch: 0, now: 500)
        _ = try log2.append(batches: [makeBatch(timestamp: -1)], leaderEpoch: 0, now: 999)
        XCTAssertEqual(log2.segmentCount, 1)
        _ = try log2.append(batches: [makeBatch(timestamp: -1)], leaderEpoch: 0, now: 1_001)
        XCTAssertEqual(log2.segmentCount, 2)
    }

    func testIndexLookupsAcrossManySegments() throws {
        let size = makeBatch(records: 2, valueSize: 40).readableBytes
        let config = LogConfig(segmentBytes: size * 20, indexIntervalBytes: size * 2)
        let log = try openLog(dir.path, config: config)
        for i in 0..<200 {
            _ = try log.append(batches: [makeBatch(records: 2, valueSize: 40, timestamp: Int64(i) * 10)],
                               leaderEpoch: 0, now: 0)
        }
        XCTAssertEqual(log.segmentCount, 10)
        XCTAssertGreaterThan(log.segments[0].offsetIndex.count, 3)
        for offset in stride(from: Int64(0), to: 400, by: 7) {
            let read = try log.read(from: offset, maxBytes: 1, upTo: 400, minOneBatch: true)
            let batches = batchOffsets(read.records)
            XCTAssertEqual(batches.count, 1)
            XCTAssertEqual(batches.first?.base, offset - offset % 2, "offset \(offset)")
        }
        // Lookups are index based: every entry maps to a batch boundary.
        let segment = log.segments[3]
        for i in 0..<segment.offsetIndex.count {
            let entry = segment.offsetIndex.entry(i)
            XCTAssertEqual(try segment.header(at: entry.position)?.lastOffset, entry.offset)
        }
        try log.close()
    }

    func testOffsetForTimestamp() throws {
        let size = makeBatch(valueSize: 30).readableBytes
        let log = try openLog(dir.path, config: LogConfig(segmentBytes: size * 5, indexIntervalBytes: size))
        // Timestamps 100, 200, ... with one out-of-order batch.
        var timestamps = (1...30).map { Int64($0) * 100 }
        timestamps[10] = 50
        for ts in timestamps { _ = try log.append(batches: [makeBatch(valueSize: 30, timestamp: ts)], leaderEpoch: 0, now: 0) }
        XCTAssertGreaterThan(log.segmentCount, 3)
        func check(_ ts: Int64, _ expected: Int64?, line: UInt = #line) throws {
            let found = try log.offsetForTimestamp(ts)
            XCTAssertEqual(found?.offset, expected, "ts \(ts)", line: line)
            if let expected { XCTAssertEqual(found?.timestamp, timestamps[Int(expected)], line: line) }
        }
        try check(0, 0)
        try check(100, 0)
        try check(101, 1)
        try check(1_000, 9)
        try check(1_001, 11)  // offset 10 has timestamp 50; offset 11 has 1200
        try check(1_200, 11)
        try check(1_201, 12)
        try check(3_000, 29)
        try check(3_001, nil)

        // Survives a clean reopen (time index restored) and an unclean one (rebuilt).
        try log.close()
        for clean in [true, false] {
            let reopened = try openLog(dir.path, config: log.config, recoveryPoint: 0, clean: clean)
            XCTAssertEqual(try reopened.offsetForTimestamp(2_950)?.offset, 29)
            XCTAssertEqual(try reopened.offsetForTimestamp(1_101)?.offset, 11)
            try reopened.close()
        }
    }

    func testFlushAdvancesRecoveryPoint() throws {
        let log = try openLog(dir.path, config: LogConfig(segmentBytes: 300, flushMessages: 3, flushMs: 1_000))
        XCTAssertNil(log.prepareFlush(now: 0))
        XCTAssertFalse(log.flushNeeded(now: 0))
        _ = try log.append(batches: [makeBatch(records: 2)], leaderEpoch: 0, now: 0)
        XCTAssertFalse(log.flushNeeded(now: 10))
        XCTAssertTrue(log.flushNeeded(now: 1_000))
        _ = try log.append(batches: [makeBatch(records: 1)], leaderEpoch: 0, now: 0)
        XCTAssertTrue(log.flushNeeded(now: 10))
        for _ in 0..<5 { _ = try log.append(batches: [makeBatch(valueSize: 60)], leaderEpoch: 0, now: 0) }
        XCTAssertGreaterThan(log.segmentCount, 1)

        let flush = try XCTUnwrap(log.prepareFlush(now: 20))
        XCTAssertEqual(flush.upToOffset, 8)
        XCTAssertEqual(log.recoveryPoint, 0)
        XCTAssertFalse(log.flushNeeded(now: 20), "flush under way")
        // All segments hold unflushed data, so all are covered (sealed ones with their indexes, the
        // active one by its .log only), plus the directory.
        XCTAssertEqual(flush.files.count, (log.segmentCount - 1) * 3 + 1)
        XCTAssertEqual(flush.files.filter { $0.hasSuffix(".log") }.count, log.segmentCount)
        XCTAssertEqual(flush.directory, log.directory)
        try flush.perform()
        log.completeFlush(flush)
        XCTAssertEqual(log.recoveryPoint, 8)
        XCTAssertNil(log.prepareFlush(now: 30))

        log.config.segmentBytes = 1 << 20
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        let second = try XCTUnwrap(log.prepareFlush(now: 40))
        XCTAssertEqual(second.files.count, 1, "only the active segment's .log")
        XCTAssertTrue(second.files[0].hasSuffix(".log"))
        XCTAssertNil(second.directory)
        try second.perform()
        log.completeFlush(second)
        XCTAssertEqual(log.recoveryPoint, 9)

        // Recovery point survives through the caller's checkpoint; a clean close flushes.
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        try log.close()
        XCTAssertEqual(log.recoveryPoint, 10)
        XCTAssertThrowsError(try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0))
    }
}
