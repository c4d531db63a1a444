@testable import BrookStorage
import XCTest

final class DataDirectoryTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    func testSecondOpenOfTheSameDirectoryFails() throws {
        let first = try DataDirectory(path: dir.path + "/data")
        XCTAssertThrowsError(try DataDirectory(path: dir.path + "/data")) { error in
            guard case StorageError.dataDirInUse = error else { return XCTFail("\(error)") }
            XCTAssertEqual("\(error)", "data directory \(self.dir.path)/data is in use by another brook process")
        }
        first.unlock()
        let second = try DataDirectory(path: dir.path + "/data")
        second.unlock()
    }

    func testCleanShutdownMarker() throws {
        var data = try DataDirectory(path: dir.path)
        XCTAssertFalse(data.wasCleanShutdown)
        try data.markCleanShutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path + "/.brook_clean_shutdown"))
        data.unlock()
        data = try DataDirectory(path: dir.path)
        XCTAssertTrue(data.wasCleanShutdown)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/.brook_clean_shutdown"))
        data.unlock()
        data = try DataDirectory(path: dir.path)
        XCTAssertFalse(data.wasCleanShutdown, "a crash after start-up must not look clean")
        data.unlock()
    }

    func testPartitionsAndCheckpointsSurviveRestart() throws {
        let tp0 = TopicPartition(topic: "events", partition: 0)
        let tp1 = TopicPartition(topic: "my-topic", partition: 11)
        var data = try DataDirectory(path: dir.path)
        var logs = [tp0: try data.openLog(tp0, config: LogConfig(), now: 0),
                    tp1: try data.openLog(tp1, config: LogConfig(), now: 0)]
        for _ in 0..<3 { _ = try logs[tp0]!.append(batches: [makeBatch()], leaderEpoch: 0, now: 0) }
        _ = try logs[tp1]!.append(batches: [makeBatch(records: 5)], leaderEpoch: 0, now: 0)
        for log in logs.values { try log.close() }
        try data.writeCheckpoints(logs.mapValues { ($0.recoveryPoint, $0.logStartOffset) })
        try data.markCleanShutdown()
        data.unlock()

        try FileManager.default.createDirectory(atPath: dir.path + "/not-a-partition", withIntermediateDirectories: true)
        data = try DataDirectory(path: dir.path)
        XCTAssertEqual(data.existingPartitions(), [tp0, tp1])
        XCTAssertTrue(data.wasCleanShutdown)
        logs = [tp0: try data.openLog(tp0, config: LogConfig(), now: 0),
                tp1: try data.openLog(tp1, config: LogConfig(), now: 0)]
        XCTAssertEqual(logs[tp0]!.logEndOffset, 3)
        XCTAssertEqual(logs[tp0]!.recoveryPoint, 3)
        XCTAssertEqual(logs[tp1]!.logEndOffset, 5)
        XCTAssertEqual(try OffsetCheckpointFile(path: dir.path + "/recovery-point-offset-checkpoint").read(),
                       [tp0: 3, tp1: 5])
        XCTAssertEqual(try OffsetCheckpointFile(path: dir.path + "/log-start-offset-checkpoint").read(),
                       [tp0: 0, tp1: 0])
        data.unlock()
    }

    func testTopicPartitionDirectoryNames() {
        XCTAssertEqual(TopicPartition(directoryName: "a-b-3"), TopicPartition(topic: "a-b", partition: 3))
        XCTAssertEqual(TopicPartition(topic: "x", partition: 7).directoryName, "x-7")
        for bad in ["abc", "-3", "abc-", "abc-x", "abc-+1", "abc-3.delete", "__brook_topics"] {
            XCTAssertNil(TopicPartition(directoryName: bad), bad)
        }
    }

    func testTopicMetadataRoundTrip() throws {
        var data = try DataDirectory(path: dir.path)
        let orders = ["partitions": "3", "topic.id": "AAAAAAAAAAAAAAAAAAAAAA",
                      "weird=key": "line1\nline2 \\ = end", "empty": ""]
        try data.saveTopicMetadata("orders", orders)
        try data.saveTopicMetadata("audit.log", ["partitions": "1"])
        try data.saveTopicMetadata("gone", ["partitions": "1"])
        try data.deleteTopicMetadata("gone")
        data.unlock()
        data = try DataDirectory(path: dir.path)
        XCTAssertEqual(try data.loadTopicMetadata(), ["orders": orders, "audit.log": ["partitions": "1"]])
        XCTAssertEqual(data.existingPartitions(), [])
        data.unlock()
    }
}
