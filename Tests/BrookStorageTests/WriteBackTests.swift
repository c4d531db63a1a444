@testable import BrookStorage
import NIOCore
import XCTest

/// Early write-back: every `writeBackBytes` appended to a segment, its new bytes are handed to the
/// kernel's write-back, so a later fsync finds little dirty data.
final class WriteBackTests: XCTestCase {
    func testKicksOnceEnoughBytesAccumulated() {
        var policy = WriteBackPolicy(kickBytes: 100, fileSize: 0)
        XCTAssertNil(policy.written(upTo: 40))
        XCTAssertNil(policy.written(upTo: 99))
        XCTAssertEqual(policy.written(upTo: 130), 0..<130)
        XCTAssertNil(policy.written(upTo: 229))
        XCTAssertEqual(policy.written(upTo: 230), 130..<230)
        XCTAssertEqual(policy.written(upTo: 10_000), 230..<10_000, "one large append is one kick")
    }

    func testBytesPresentAtOpeningAreLeftToTheKernel() {
        var policy = WriteBackPolicy(kickBytes: 100, fileSize: 5_000)
        XCTAssertNil(policy.written(upTo: 5_050))
        XCTAssertEqual(policy.written(upTo: 5_100), 5_000..<5_100)
    }

    func testTruncationForgetsBytesThatNoLongerExist() {
        var policy = WriteBackPolicy(kickBytes: 100, fileSize: 0)
        XCTAssertEqual(policy.written(upTo: 150), 0..<150)
        policy.truncated(to: 60)
        XCTAssertEqual(policy.unkickedFrom, 60)
        XCTAssertEqual(policy.written(upTo: 160), 60..<160)
        // A file found shorter than the policy thought (truncated elsewhere) restarts from its end.
        XCTAssertNil(policy.written(upTo: 20))
        XCTAssertEqual(policy.written(upTo: 120), 20..<120)
    }

    func testZeroDisablesKicking() {
        var policy = WriteBackPolicy(kickBytes: 0, fileSize: 0)
        XCTAssertNil(policy.written(upTo: Int.max))
        var negative = WriteBackPolicy(kickBytes: -5, fileSize: -1)
        XCTAssertNil(negative.written(upTo: 1 << 40))
    }

    /// Through the log: appends report contiguous kicks covering what they wrote, and the kernel
    /// accepts them for the real segment file.
    func testAppendsReportKicksThatCoverTheSegment() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let batch = makeBatch(valueSize: 100)
        let log = try openLog(dir.path, config: LogConfig(writeBackBytes: batch.readableBytes * 3))
        var kicks: [WriteBackRequest] = []
        for _ in 0..<10 {
            if let kick = try log.append(batches: [batch], leaderEpoch: 0, now: 0).writeBack { kicks.append(kick) }
        }
        XCTAssertEqual(kicks.map(\.range), [0..<batch.readableBytes * 3, batch.readableBytes * 3..<batch.readableBytes * 6,
                                            batch.readableBytes * 6..<batch.readableBytes * 9])
        let file = try XCTUnwrap(segmentFiles(dir.path, suffix: ".log").first)
        XCTAssertEqual(kicks.map(\.path), Array(repeating: file, count: 3))
        XCTAssertTrue(kicks[0].start())
        XCTAssertFalse(WriteBackRequest(path: dir.path + "/missing.log", range: 0..<10).start())
        try log.close()
    }

    /// Kicks queued behind a running one are merged: one range for the same file, the newer file's
    /// alone after a roll.
    func testQueuedKicksMergeIntoOne() {
        let first = WriteBackRequest(path: "/d/0.log", range: 0..<4096)
        let second = WriteBackRequest(path: "/d/0.log", range: 4096..<8192)
        XCTAssertEqual(first.merged(with: second), WriteBackRequest(path: "/d/0.log", range: 0..<8192))
        let rolled = WriteBackRequest(path: "/d/9.log", range: 0..<100)
        XCTAssertEqual(first.merged(with: second).merged(with: rolled), rolled)
    }
}
