@testable import BrookStorage
import XCTest

final class CleanerCheckpointTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    func testFileUsesKafkasNameAndOffsetCheckpointFormat() throws {
        let checkpoint = CleanerCheckpoint(directory: dir.path)
        XCTAssertEqual(checkpoint.file.path, dir.path + "/cleaner-offset-checkpoint")
        XCTAssertEqual(try checkpoint.read(), [:])
        try checkpoint.write([TopicPartition(topic: "compacted.t", partition: 2): 40,
                              TopicPartition(topic: "compacted.t", partition: 0): 17])
        XCTAssertEqual(try String(contentsOfFile: checkpoint.file.path, encoding: .utf8),
                       "0\n2\ncompacted.t 0 17\ncompacted.t 2 40\n")
        XCTAssertEqual(try CleanerCheckpoint(directory: dir.path).read(),
                       [TopicPartition(topic: "compacted.t", partition: 0): 17,
                        TopicPartition(topic: "compacted.t", partition: 2): 40])
    }

    func testCorruptFileIsReportedNotGuessed() throws {
        let checkpoint = CleanerCheckpoint(directory: dir.path)
        try "0\n3\nt 0 5\n".write(toFile: checkpoint.file.path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try checkpoint.read()) { error in
            guard case StorageError.corruptCheckpoint = error else { return XCTFail("\(error)") }
        }
    }

    func testFirstDirtyOffsetIsClampedToTheLog() {
        func clamp(_ checkpointed: Int64?) -> (Int64, CleanerCheckpoint.Reset?) {
            let result = CleanerCheckpoint.firstDirtyOffset(checkpointed: checkpointed, logStartOffset: 10, logEndOffset: 50)
            return (result.offset, result.reset)
        }
        // Never cleaned: the whole log is dirty.
        XCTAssertTrue(clamp(nil) == (10, nil))
        XCTAssertTrue(clamp(10) == (10, nil))
        XCTAssertTrue(clamp(30) == (30, nil))
        // At the log end: everything is clean.
        XCTAssertTrue(clamp(50) == (50, nil))
        // Retention or DeleteRecords moved the log start past it.
        XCTAssertTrue(clamp(4) == (10, .belowLogStart))
        // A stale file: start over.
        XCTAssertTrue(clamp(51) == (10, .beyondLogEnd))
        XCTAssertTrue(clamp(Int64.max) == (10, .beyondLogEnd))
    }
}
