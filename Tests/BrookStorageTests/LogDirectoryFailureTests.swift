#if canImport(Glibc)
import Glibc
#endif
@testable import BrookStorage
import NIOCore
import XCTest

/// Issue 10 item 2: the first I/O error on a log directory takes it offline; nothing written after
/// the failure is ever reported durable, even when a later fsync succeeds.
final class LogDirectoryFailureTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() {
        StorageFaults.clear(pathContains: dir.path)
        dir.cleanup()
    }

    private func isOffline(_ error: Error) -> Bool {
        if case StorageError.logDirectoryOffline = error { return true }
        return false
    }

    func testFailedFsyncTakesTheDirectoryOfflineAndLaterAppendsAndFlushesAreRefused() throws {
        let data = try DataDirectory(path: dir.path + "/data")
        defer { data.unlock() }
        let tp = TopicPartition(topic: "t", partition: 0)
        let other = TopicPartition(topic: "u", partition: 0)
        let log = try data.openLog(tp, config: LogConfig(), now: 0)
        let otherLog = try data.openLog(other, config: LogConfig(), now: 0)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        let good = try XCTUnwrap(log.prepareFlush(now: 0))
        try good.perform()
        log.completeFlush(good)
        XCTAssertEqual(log.recoveryPoint, 1)

        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        StorageFaults.inject(.fsync, errno: EIO, pathContains: dir.path + "/data/t-0/")
        let failing = try XCTUnwrap(log.prepareFlush(now: 0))
        XCTAssertThrowsError(try failing.perform()) { error in
            guard case StorageError.io(_, let code) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, EIO)
        }
        log.abandonFlush(failing)
        XCTAssertNotNil(data.health.offlineReason)
        XCTAssertTrue(data.health.offlineReason?.contains("fsync") ?? false, data.health.offlineReason ?? "")

        // The fault is used up: a retried fsync would succeed, but must not be trusted.
        let retry = try XCTUnwrap(log.prepareFlush(now: 0))
        XCTAssertThrowsError(try retry.perform()) { XCTAssertTrue(self.isOffline($0), "\($0)") }
        XCTAssertEqual(log.recoveryPoint, 1, "nothing after the hole becomes durable")
        XCTAssertThrowsError(try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)) {
            XCTAssertTrue(self.isOffline($0), "\($0)")
        }
        // Every partition of the directory is offline, not only the one that failed.
        XCTAssertThrowsError(try otherLog.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)) {
            XCTAssertTrue(self.isOffline($0), "\($0)")
        }
        XCTAssertThrowsError(try data.writeCheckpoints([tp: (1, 0)])) { XCTAssertTrue(self.isOffline($0)) }
        XCTAssertThrowsError(try data.markCleanShutdown()) { XCTAssertTrue(self.isOffline($0)) }
        XCTAssertThrowsError(try data.openLog(TopicPartition(topic: "new", partition: 0), config: LogConfig(), now: 0)) {
            XCTAssertTrue(self.isOffline($0), "no new partition on an offline directory: \($0)")
        }
        XCTAssertEqual(log.logEndOffset, 2)
        try log.close()
        try otherLog.close()
    }

    func testFailedWriteTakesTheDirectoryOfflineAndLeavesNoPartialBatch() throws {
        let log = try openLog(dir.path)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        StorageFaults.inject(.write, errno: ENOSPC, pathContains: dir.path + "/")
        XCTAssertThrowsError(try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0))
        XCTAssertNotNil(log.health.offlineReason)
        XCTAssertEqual(log.logEndOffset, 1)
        XCTAssertEqual(try fileSize(segmentFiles(dir.path, suffix: ".log")[0]), makeBatch().readableBytes)
        XCTAssertThrowsError(try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)) {
            XCTAssertTrue(self.isOffline($0), "\($0)")
        }
        try log.close()
        XCTAssertEqual(try readAll(openLog(dir.path)).count, 1)
    }

    /// An abort marker is durable only with its `.txnindex` entry: failing to write it is a directory failure.
    func testFailedTransactionIndexWriteTakesTheDirectoryOffline() throws {
        let log = try openLog(dir.path)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        StorageFaults.inject(.write, errno: EIO, pathContains: dir.path + "/")
        XCTAssertThrowsError(try log.appendAbortedTxn(AbortedTxn(producerId: 1, firstOffset: 0, lastOffset: 0,
                                                                 lastStableOffset: 1)))
        XCTAssertNotNil(log.health.offlineReason)
        try log.close()
    }

    func testRunningOutOfDescriptorsDoesNotTakeTheDirectoryOffline() {
        XCTAssertFalse(LogDirectoryHealth.isDirectoryFailure(StorageError.io("open x", errno: EMFILE)))
        XCTAssertFalse(LogDirectoryHealth.isDirectoryFailure(StorageError.io("open x", errno: ENFILE)))
        XCTAssertFalse(LogDirectoryHealth.isDirectoryFailure(StorageError.offsetOutOfRange(requested: 1, logStart: 0, logEnd: 0)))
        XCTAssertTrue(LogDirectoryHealth.isDirectoryFailure(StorageError.io("fsync x", errno: EIO)))
        XCTAssertTrue(LogDirectoryHealth.isDirectoryFailure(StorageError.io("pwrite x", errno: ENOSPC)))
    }

    func testTheFirstReasonIsKept() {
        let health = LogDirectoryHealth(path: "/d")
        XCTAssertNil(health.offlineError)
        XCTAssertTrue(health.markOffline(reason: "first"))
        XCTAssertFalse(health.markOffline(reason: "second"))
        XCTAssertEqual(health.offlineReason, "first")
        XCTAssertEqual("\(health.offlineError!)", "log directory /d is offline until restart after an I/O error (first)")
    }
}
