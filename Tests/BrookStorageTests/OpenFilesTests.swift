@testable import BrookStorage
import Foundation
import XCTest

/// Descriptors a partition holds while open: one per segment `.log`, none for indexes or checkpoints
/// (the figure stated in docs/operations.md).
final class OpenFilesTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    static func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    func testAnOpenPartitionHoldsOneDescriptorPerSegment() throws {
        let data = try DataDirectory(path: dir.path)
        defer { data.unlock() }
        var config = LogConfig()
        config.indexIntervalBytes = 1
        let partitions = 40
        let before = try Self.openDescriptors()
        var logs: [PartitionLog] = []
        for p in 0..<partitions {
            let log = try data.openLog(TopicPartition(topic: "many", partition: Int32(p)), config: config, now: 0)
            for epoch: Int32 in [0, 1] { _ = try log.append(batches: [makeBatch(), makeBatch()], leaderEpoch: epoch, now: 0) }
            logs.append(log)
        }
        XCTAssertLessThanOrEqual(try Self.openDescriptors() - before, partitions, "one active segment each")

        // Rolled segments: their indexes are mapped, not open.
        for log in logs {
            try log.roll(now: 0)
            _ = try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0)
            try log.roll(now: 0)
            _ = try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0)
            XCTAssertEqual(log.segmentCount, 3)
        }
        XCTAssertLessThanOrEqual(try Self.openDescriptors() - before, partitions * 3, "one per segment")
        for log in logs { try log.close() }
        XCTAssertLessThanOrEqual(try Self.openDescriptors() - before, 0, "closing releases everything")
    }

    func testActiveIndexEntriesReachTheFileAtCloseAndServeTheNextOpen() throws {
        var config = LogConfig()
        config.indexIntervalBytes = 1
        let log = try openLog(dir.path, config: config)
        for i in 0..<20 { _ = try log.append(batches: [makeBatch(timestamp: Int64(1_000 + i))], leaderEpoch: 0, now: 0) }
        try log.close()
        let index = try segmentFiles(dir.path, suffix: ".index")[0]
        XCTAssertEqual(try fileSize(index), 19 * OffsetIndex.entrySize, "an entry per batch after the first")
        XCTAssertGreaterThan(try fileSize(try segmentFiles(dir.path, suffix: ".timeindex")[0]), 0)

        let reopened = try openLog(dir.path, config: config, clean: true)
        XCTAssertNil(reopened.segments[0].indexProblem())
        XCTAssertEqual(reopened.logEndOffset, 20)
        XCTAssertEqual(try reopened.offsetForTimestamp(1_010)?.offset, 10)
        XCTAssertEqual(try readAll(reopened).map(\.base), Array(0..<20))
        _ = try reopened.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        try reopened.close()
        XCTAssertEqual(try fileSize(index), 20 * OffsetIndex.entrySize)
    }

    func testIndexTornTailIsDroppedWhenEntriesArePersisted() throws {
        let path = dir.path + "/00000000000000000000.index"
        try Data([0, 0, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff]).write(to: URL(fileURLWithPath: path))
        let file = try IndexFile(path: path, entrySize: 8, maxEntries: 100, mutable: true)
        XCTAssertEqual(file.count, 1)
        XCTAssertTrue(file.hadPartialEntry)
        try file.append([0, 0, 0, 2, 0, 0, 0, 20])
        try file.persist()
        XCTAssertEqual(try fileSize(path), 16)
        try file.truncate(toEntries: 1)
        XCTAssertEqual(try fileSize(path), 8)
        try file.seal()
        XCTAssertEqual(file.int32(entry: 0, field: 4), 9)
        try file.close()
    }

    func testOnlyIndexesWrittenByThisProcessAreSyncedAtClose() throws {
        let path = dir.path + "/00000000000000000000.timeindex"
        let file = try IndexFile(path: path, entrySize: 12, maxEntries: 100, mutable: true)
        XCTAssertFalse(file.needsSync, "nothing written yet")
        try file.persist()
        XCTAssertFalse(file.needsSync, "nothing pending")
        try file.append(Array(repeating: 1, count: 12))
        try file.persist()
        XCTAssertTrue(file.needsSync)
        try file.syncIfNeeded()
        XCTAssertFalse(file.needsSync)
        try file.close()

        let reopened = try IndexFile(path: path, entrySize: 12, maxEntries: 100, mutable: true)
        XCTAssertEqual(reopened.count, 1)
        XCTAssertFalse(reopened.needsSync, "as the last close left it")
        try reopened.truncate(toEntries: 0)
        XCTAssertTrue(reopened.needsSync)
        try reopened.close()
    }
}
