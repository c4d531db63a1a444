@testable import BrookStorage
import XCTest

final class CheckpointsTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    func testOffsetCheckpointFormatRoundTrip() throws {
        let file = OffsetCheckpointFile(path: dir.path + "/recovery-point-offset-checkpoint")
        XCTAssertEqual(try file.read(), [:])
        let offsets: [TopicPartition: Int64] = [
            TopicPartition(topic: "b", partition: 1): 7,
            TopicPartition(topic: "a", partition: 0): 5,
            TopicPartition(topic: "a-b.c_d", partition: 12): 123_456_789_012,
        ]
        try file.write(offsets)
        XCTAssertEqual(try String(contentsOfFile: file.path, encoding: .utf8),
                       "0\n3\na 0 5\na-b.c_d 12 123456789012\nb 1 7\n")
        XCTAssertEqual(try file.read(), offsets)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path + ".tmp"))
    }

    func testCorruptCheckpointsAreReported() throws {
        let file = OffsetCheckpointFile(path: dir.path + "/cp")
        for text in ["1\n0\n", "0\n2\na 0 5\n", "0\n1\na 0\n", "0\n1\na x 5\n", "", "0\nfoo\n"] {
            try text.write(toFile: file.path, atomically: false, encoding: .utf8)
            XCTAssertThrowsError(try file.read(), "\(text.debugDescription)") { error in
                guard case StorageError.corruptCheckpoint = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testLeaderEpochCheckpointFormat() throws {
        let file = LeaderEpochCheckpointFile(path: dir.path + "/leader-epoch-checkpoint")
        XCTAssertEqual(try file.read(), [])
        let entries = [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 3, startOffset: 120)]
        try file.write(entries)
        XCTAssertEqual(try String(contentsOfFile: file.path, encoding: .utf8), "0\n2\n0 0\n3 120\n")
        XCTAssertEqual(try file.read(), entries)
    }

    func testLeaderEpochCachePersistsThroughLog() throws {
        let log = try openLog(dir.path)
        _ = try log.append(batches: [makeBatch(records: 4)], leaderEpoch: 0, now: 0)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0)
        try log.close()
        let reopened = try openLog(dir.path, clean: true)
        XCTAssertEqual(reopened.leaderEpochs, [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 2, startOffset: 5)])
        XCTAssertEqual(reopened.endOffset(forLeaderEpoch: 1)?.epoch, 0)
        XCTAssertEqual(reopened.endOffset(forLeaderEpoch: 1)?.endOffset, 5)
        XCTAssertNil(reopened.endOffset(forLeaderEpoch: -1))
    }
}
