import BrookRecords
@testable import BrookStorage
import Foundation
import NIOCore
import XCTest

private func marker(_ type: ControlRecordType, producerId: Int64 = 7) -> ByteBuffer {
    try! RecordBatch.control(type, coordinatorEpoch: 0, producerId: producerId, producerEpoch: 0, timestamp: 1_000).encode()
}

final class TransactionIndexTests: XCTestCase {
    private let a = AbortedTxn(producerId: 7, firstOffset: 0, lastOffset: 4, lastStableOffset: 5)
    private let b = AbortedTxn(producerId: -2, firstOffset: Int64.max - 9, lastOffset: Int64.max - 1,
                               lastStableOffset: Int64.max)

    func testRoundTripUsesKafkasThirtyFourByteBigEndianEntries() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/00000000000000000000.txnindex"
        try TransactionIndex.append([a], to: path)
        try TransactionIndex.append([b], to: path)
        XCTAssertEqual(try TransactionIndex.load(from: path), [a, b])
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(bytes.count, 68)
        // version 0, producerId 7, firstOffset 0, lastOffset 4, lastStableOffset 5
        XCTAssertEqual(Array(bytes.prefix(34)), [0, 0] + [0, 0, 0, 0, 0, 0, 0, 7] + [UInt8](repeating: 0, count: 8)
                       + [0, 0, 0, 0, 0, 0, 0, 4] + [0, 0, 0, 0, 0, 0, 0, 5])
        XCTAssertEqual(try TransactionIndex.load(from: dir.path + "/missing.txnindex"), [])
    }

    func testTornTailIsTruncatedAndAppendsStayAligned() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/00000000000000000000.txnindex"
        try TransactionIndex.append([a], to: path)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0, 0, 0, 0, 0, 0, 0, 9, 1, 2]))
        handle.closeFile()
        XCTAssertEqual(try TransactionIndex.load(from: path), [a])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, 34)

        // An append after a torn write (no load in between) overwrites the partial entry.
        let again = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        again.seekToEndOfFile()
        again.write(Data([0, 0, 1]))
        again.closeFile()
        try TransactionIndex.append([b], to: path)
        XCTAssertEqual(try TransactionIndex.load(from: path), [a, b])
    }

    func testUnknownVersionIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/00000000000000000000.txnindex"
        var bytes = TransactionIndex.encode([a])
        bytes[1] = 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TransactionIndex.load(from: path))
    }

    func testOverlapQueriesFollowKafkasRule() {
        let txns = [
            AbortedTxn(producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 5),
            AbortedTxn(producerId: 2, firstOffset: 3, lastOffset: 10, lastStableOffset: 11),
            AbortedTxn(producerId: 3, firstOffset: 12, lastOffset: 15, lastStableOffset: 16),
        ]
        func ids(_ from: Int64, _ upTo: Int64) -> [Int64] {
            TransactionIndex.overlapping(txns, from: from, upTo: upTo).map(\.producerId)
        }
        XCTAssertEqual(ids(0, 100), [1, 2, 3])
        XCTAssertEqual(ids(4, 12), [1, 2], "the marker offset itself overlaps; upTo is exclusive")
        XCTAssertEqual(ids(5, 12), [2])
        XCTAssertEqual(ids(11, 12), [])
        XCTAssertEqual(ids(11, 13), [3])
        XCTAssertEqual(ids(16, 20), [])
    }

    // MARK: PartitionLog

    /// Data at 0-1 (producer 7, transactional), abort marker at 2; commit for producer 8 at 3-4.
    private func writeAbortAndCommit(_ log: PartitionLog) throws -> AbortedTxn {
        _ = try log.append(batches: [producerBatch(producerId: 7, sequence: 0, records: 2, transactional: true)],
                           leaderEpoch: 0, now: 0)
        let abort = try log.append(batches: [marker(.abort)], leaderEpoch: 0, now: 0)
        let txn = AbortedTxn(producerId: 7, firstOffset: 0, lastOffset: abort.lastOffset, lastStableOffset: 3)
        try log.appendAbortedTxn(txn)
        _ = try log.append(batches: [producerBatch(producerId: 8, sequence: 0, records: 1, transactional: true)],
                           leaderEpoch: 0, now: 0)
        _ = try log.append(batches: [marker(.commit, producerId: 8)], leaderEpoch: 0, now: 0)
        return txn
    }

    func testAbortedTxnIsSyncedByTheNextFlushAndLoadedAfterCleanShutdown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        let txn = try writeAbortAndCommit(log)
        let flush = try XCTUnwrap(log.prepareFlush(now: 0))
        XCTAssertTrue(flush.files.contains(dir.path + "/00000000000000000000.txnindex"))
        try flush.perform()
        log.completeFlush(flush)
        try log.close()

        let reopened = try openLog(dir.path, recoveryPoint: 5, clean: true)
        XCTAssertNil(reopened.recoveredFromOffset)
        XCTAssertEqual(try reopened.loadTransactionState().abortedTxns, [txn])
        try reopened.close()
    }

    func testUncleanRecoveryRebuildsTheIndexFromAbortMarkers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        let txn = try writeAbortAndCommit(log)
        try log.close()
        // The entry never reached disk (crash before the flush).
        try FileManager.default.removeItem(atPath: dir.path + "/00000000000000000000.txnindex")

        let reopened = try openLog(dir.path, recoveryPoint: 0, clean: false)
        XCTAssertEqual(reopened.recoveredFromOffset, 0)
        let state = try reopened.loadTransactionState()
        XCTAssertEqual(state.abortedTxns, [txn])
        XCTAssertNil(state.producers.firstUnstableOffset)
        XCTAssertEqual(try TransactionIndex.load(from: dir.path + "/00000000000000000000.txnindex"), [txn],
                       "the rebuilt entries are written back")
        try reopened.close()
    }

    func testUncleanRecoveryDropsStaleEntriesAndKeepsOlderSegments() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var config = LogConfig()
        config.segmentBytes = 300
        let log = try openLog(dir.path, config: config)
        let txn = try writeAbortAndCommit(log)
        // Roll to a later segment and abort there too, then flush everything.
        while log.segmentCount < 3 {
            _ = try log.append(batches: [makeBatch(records: 1, valueSize: 100)], leaderEpoch: 0, now: 0)
        }
        _ = try log.append(batches: [producerBatch(producerId: 9, sequence: 0, records: 1, transactional: true)],
                           leaderEpoch: 0, now: 0)
        let first9 = log.logEndOffset - 1
        let abort9 = try log.append(batches: [marker(.abort, producerId: 9)], leaderEpoch: 0, now: 0)
        let txn9 = AbortedTxn(producerId: 9, firstOffset: first9, lastOffset: abort9.lastOffset,
                              lastStableOffset: abort9.lastOffset + 1)
        try log.appendAbortedTxn(txn9)
        let lastBase = log.segments[log.segmentCount - 1].baseOffset
        XCTAssertGreaterThan(lastBase, txn.lastOffset)
        let end = log.logEndOffset
        try log.close()
        // A stale entry beyond anything in the log (e.g. from a lost tail) must not survive recovery.
        let lastIndex = dir.path + "/" + Segment.fileName(lastBase, ".txnindex")
        try TransactionIndex.append([AbortedTxn(producerId: 1, firstOffset: end, lastOffset: end + 5,
                                                lastStableOffset: end + 6)], to: lastIndex)

        let reopened = try openLog(dir.path, config: config, recoveryPoint: lastBase, clean: false)
        XCTAssertEqual(reopened.recoveredFromOffset, lastBase)
        XCTAssertEqual(try reopened.loadTransactionState().abortedTxns, [txn, txn9])
        XCTAssertEqual(try TransactionIndex.load(from: lastIndex), [txn9])
        try reopened.close()
    }

    func testTxnIndexIsDeletedWithItsSegment() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var config = LogConfig()
        config.segmentBytes = 300
        let log = try openLog(dir.path, config: config)
        _ = try writeAbortAndCommit(log)
        let path = dir.path + "/00000000000000000000.txnindex"
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        while log.segmentCount < 2 {
            _ = try log.append(batches: [makeBatch(records: 1, valueSize: 100)], leaderEpoch: 0, now: 0)
        }
        log.highWatermark = log.logEndOffset
        XCTAssertEqual(try log.advanceLogStartOffset(to: log.segments[1].baseOffset), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        try log.close()
    }

    func testLogTruncationDropsEntriesFromTheTruncatedRange() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        let txn = try writeAbortAndCommit(log)
        _ = try log.append(batches: [producerBatch(producerId: 9, sequence: 0, records: 1, transactional: true)],
                           leaderEpoch: 0, now: 0)
        let abort = try log.append(batches: [marker(.abort, producerId: 9)], leaderEpoch: 0, now: 0)
        try log.appendAbortedTxn(AbortedTxn(producerId: 9, firstOffset: abort.firstOffset - 1,
                                            lastOffset: abort.lastOffset, lastStableOffset: abort.lastOffset + 1))
        try log.truncate(to: abort.firstOffset)
        XCTAssertEqual(try log.loadAbortedTxns(), [txn])
        try log.close()
    }
}
