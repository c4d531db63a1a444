import BrookRecords
@testable import BrookStorage
import Foundation
import NIOCore
import XCTest

final class FollowerAppendTests: XCTestCase {
    var leaderDir: TemporaryDirectory!
    var followerDir: TemporaryDirectory!

    override func setUpWithError() throws {
        leaderDir = try TemporaryDirectory()
        followerDir = try TemporaryDirectory()
    }

    override func tearDown() {
        leaderDir.cleanup()
        followerDir.cleanup()
    }

    let size = makeBatch(records: 3, valueSize: 20).readableBytes

    /// A batch as a leader stored it: offsets from `base`, stamped with `epoch` (neither is under the CRC).
    func leaderBatch(base: Int64, records: Int = 3, epoch: Int32, timestamp: Int64 = 1_000) -> ByteBuffer {
        var batch = makeBatch(records: records, valueSize: 20, timestamp: timestamp)
        batch.setInteger(base, at: batch.readerIndex + RecordBatchHeader.baseOffsetPosition)
        batch.setInteger(epoch, at: batch.readerIndex + RecordBatchHeader.partitionLeaderEpochPosition)
        return batch
    }

    /// 12 appends of three-record batches at epochs 0, 0, 0, 2, 2, 2, 5, ... on small segments.
    func makeLeader(_ config: LogConfig) throws -> PartitionLog {
        let leader = try openLog(leaderDir.path, config: config)
        for i in 0..<12 {
            _ = try leader.append(batches: [makeBatch(records: 3, valueSize: 20, timestamp: Int64(i) * 10)],
                                  leaderEpoch: [0, 2, 5, 6][i / 3], now: 0)
        }
        return leader
    }

    /// Copies the leader's log to the follower as a fetcher would: from the follower's log end, in
    /// reads of `fetchBytes`, each with the first bytes of the next batch appended (a cut Fetch).
    func replicate(from leader: PartitionLog, to follower: PartitionLog, fetchBytes: Int) throws {
        while follower.logEndOffset < leader.logEndOffset {
            var records = try leader.read(from: follower.logEndOffset, maxBytes: fetchBytes,
                                          upTo: leader.logEndOffset, minOneBatch: true).records
            let next = records.readableBytes > 0
                ? batchOffsets(records).last.map { $0.last + 1 } ?? leader.logEndOffset : leader.logEndOffset
            if next < leader.logEndOffset {
                let following = try leader.read(from: next, maxBytes: 1, upTo: leader.logEndOffset, minOneBatch: true)
                records.writeImmutableBuffer(following.records.getSlice(at: following.records.readerIndex, length: 17)!)
            }
            let before = follower.logEndOffset
            let result = try follower.appendAsFollower(records: records, now: 0)
            XCTAssertEqual(result.logEndOffset, next)
            XCTAssertEqual(result.ignoredTailBytes, next < leader.logEndOffset ? 17 : 0)
            XCTAssertGreaterThan(follower.logEndOffset, before)
        }
    }

    func files(_ path: String, suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(suffix) }.sorted()
    }

    func testFollowerStoresTheLeadersBytesOffsetsAndEpochs() throws {
        let config = LogConfig(segmentBytes: size * 5, indexIntervalBytes: 1)
        let leader = try makeLeader(config)
        let follower = try openLog(followerDir.path, config: config)
        try replicate(from: leader, to: follower, fetchBytes: size * 2)

        XCTAssertEqual(follower.logEndOffset, 36)
        XCTAssertEqual(follower.leaderEpochs, leader.leaderEpochs)
        XCTAssertEqual(follower.leaderEpochs.map(\.startOffset), [0, 9, 18, 27])
        XCTAssertEqual(try readAll(follower).map { [$0.base, $0.last, Int64($0.epoch)] },
                       try readAll(leader).map { [$0.base, $0.last, Int64($0.epoch)] })
        XCTAssertEqual(follower.endOffset(forLeaderEpoch: 3)?.endOffset, 18)
        for suffix in [".log", ".index", ".timeindex"] {
            let names = try files(leaderDir.path, suffix: suffix)
            XCTAssertEqual(try files(followerDir.path, suffix: suffix), names)
            XCTAssertEqual(names.count, 3, suffix)
            for name in names {
                XCTAssertEqual(FileManager.default.contents(atPath: followerDir.path + "/" + name),
                               FileManager.default.contents(atPath: leaderDir.path + "/" + name), name)
            }
        }
        // Reads at an offset inside a batch use the index and the recent-batches cache alike.
        XCTAssertEqual(batchOffsets(try follower.read(from: 31, maxBytes: 1, upTo: 36, minOneBatch: true).records).first?.base, 30)
        try follower.close()
        let reopened = try openLog(followerDir.path, config: config, clean: true)
        XCTAssertEqual(reopened.logEndOffset, 36)
        XCTAssertEqual(reopened.leaderEpochs, leader.leaderEpochs)
    }

    func testSeveralBuffersAreOneAppend() throws {
        let follower = try openLog(followerDir.path)
        let first = leaderBatch(base: 0, epoch: 1)
        let second = leaderBatch(base: 3, epoch: 2)
        let result = try follower.appendAsFollower(
            batches: [first, second.getSlice(at: 0, length: 30)!, second.getSlice(at: 30, length: second.readableBytes - 30)!],
            now: 0)
        XCTAssertEqual(result.batches.map(\.header.baseOffset), [0, 3])
        XCTAssertEqual(follower.logEndOffset, 6)
        XCTAssertEqual(follower.leaderEpochs, [EpochEntry(epoch: 1, startOffset: 0), EpochEntry(epoch: 2, startOffset: 3)])
    }

    func testAPartialBatchAloneStoresNothing() throws {
        let follower = try openLog(followerDir.path)
        let batch = leaderBatch(base: 0, epoch: 0)
        for cut in [5, 61, batch.readableBytes - 1] {
            let result = try follower.appendAsFollower(records: batch.getSlice(at: 0, length: cut)!, now: 0)
            XCTAssertEqual(result.ignoredTailBytes, cut)
            XCTAssertTrue(result.batches.isEmpty)
            XCTAssertEqual(follower.logEndOffset, 0)
        }
        XCTAssertEqual(try follower.appendAsFollower(records: ByteBuffer(), now: 0).logEndOffset, 0)
    }

    func testCorruptBatchIsRefusedAndNothingIsWritten() throws {
        let follower = try openLog(followerDir.path)
        _ = try follower.appendAsFollower(records: leaderBatch(base: 0, epoch: 1), now: 0)
        let logFile = followerDir.path + "/" + Segment.fileName(0, ".log")
        let sizeBefore = try fileSize(logFile)

        var records = leaderBatch(base: 3, epoch: 2)
        var bad = leaderBatch(base: 6, epoch: 3)
        bad.setInteger(UInt8(0xEE), at: bad.writerIndex - 3)
        records.writeBuffer(&bad)
        XCTAssertThrowsError(try follower.appendAsFollower(records: records, now: 0)) { error in
            guard case StorageError.invalidBatch(let why) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("CRC") || why.contains("corrupt"), why)
        }
        var badMagic = leaderBatch(base: 3, epoch: 2)
        badMagic.setInteger(Int8(1), at: RecordBatchHeader.magicPosition)
        XCTAssertThrowsError(try follower.appendAsFollower(records: badMagic, now: 0))
        XCTAssertEqual(follower.logEndOffset, 3)
        XCTAssertEqual(try fileSize(logFile), sizeBefore)
        XCTAssertEqual(follower.leaderEpochs, [EpochEntry(epoch: 1, startOffset: 0)])
        XCTAssertEqual(follower.health.offlineReason, nil)
    }

    func testOverlapAndOutOfOrderOffsetsAreRefused() throws {
        let follower = try openLog(followerDir.path)
        _ = try follower.appendAsFollower(records: leaderBatch(base: 0, epoch: 0), now: 0)
        XCTAssertThrowsError(try follower.appendAsFollower(records: leaderBatch(base: 2, epoch: 0), now: 0)) {
            XCTAssertEqual($0 as? FollowerAppendError, .unexpectedAppendOffset(firstOffset: 2, logEndOffset: 3))
        }
        var records = leaderBatch(base: 3, epoch: 0)
        records.writeImmutableBuffer(leaderBatch(base: 5, epoch: 0))
        XCTAssertThrowsError(try follower.appendAsFollower(records: records, now: 0)) {
            XCTAssertEqual($0 as? FollowerAppendError, .offsetsNotIncreasing(previousLastOffset: 5, baseOffset: 5))
        }
        XCTAssertEqual(follower.logEndOffset, 3)
    }

    /// A compacted leader has offsets no batch holds: the follower keeps the same gap.
    func testOffsetGapOfACompactedLeaderIsKept() throws {
        let config = LogConfig(segmentBytes: size * 2, indexIntervalBytes: 1)
        let follower = try openLog(followerDir.path, config: config)
        var records = leaderBatch(base: 0, epoch: 0)
        records.writeImmutableBuffer(leaderBatch(base: 10, epoch: 0))
        records.writeImmutableBuffer(leaderBatch(base: 20, epoch: 1))
        _ = try follower.appendAsFollower(records: records, now: 0)
        XCTAssertEqual(follower.logEndOffset, 23)
        XCTAssertEqual(try readAll(follower).map(\.base), [0, 10, 20])
        XCTAssertEqual(try files(followerDir.path, suffix: ".log"), [Segment.fileName(0, ".log"), Segment.fileName(20, ".log")])
        XCTAssertEqual(batchOffsets(try follower.read(from: 5, maxBytes: 1, upTo: 23, minOneBatch: true).records).first?.base, 10)
        try follower.close()
        let reopened = try openLog(followerDir.path, config: config, clean: false)
        XCTAssertEqual(reopened.logEndOffset, 23)
        XCTAssertEqual(try readAll(reopened).map(\.base), [0, 10, 20])
    }

    /// A gap wider than a segment's relative offsets starts a segment at the batch, even from an empty one.
    func testGapBeyondRelativeOffsetsRollsAtTheBatch() throws {
        let follower = try openLog(followerDir.path)
        let far: Int64 = 5_000_000_000
        _ = try follower.appendAsFollower(records: leaderBatch(base: far, epoch: 0), now: 0)
        XCTAssertEqual(follower.logEndOffset, far + 3)
        XCTAssertEqual(try files(followerDir.path, suffix: ".log").last, Segment.fileName(far, ".log"))
        try follower.close()
        let reopened = try openLog(followerDir.path, clean: false)
        XCTAssertEqual(reopened.logEndOffset, far + 3)
        XCTAssertEqual(batchOffsets(try reopened.read(from: far, maxBytes: 1, upTo: far + 3, minOneBatch: true).records).first?.base, far)
    }

    func testTruncateThenReappendFromTheNewLeaderAtTheDivergingPoint() throws {
        let config = LogConfig(segmentBytes: size * 5, indexIntervalBytes: 1)
        let leader = try makeLeader(config)
        let follower = try openLog(followerDir.path, config: config)
        try replicate(from: leader, to: follower, fetchBytes: size * 3)
        // Epoch 5 (offsets 18..26) diverged: the new leader at epoch 7 has other batches from 18.
        try follower.truncate(to: 18)
        XCTAssertEqual(follower.logEndOffset, 18)
        XCTAssertEqual(follower.leaderEpochs.map(\.epoch), [0, 2])
        var records = leaderBatch(base: 18, records: 2, epoch: 7)
        records.writeImmutableBuffer(leaderBatch(base: 20, records: 4, epoch: 7))
        _ = try follower.appendAsFollower(records: records, now: 0)
        XCTAssertEqual(follower.logEndOffset, 24)
        XCTAssertEqual(follower.leaderEpochs, [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 2, startOffset: 9),
                                               EpochEntry(epoch: 7, startOffset: 18)])
        XCTAssertEqual(try readAll(follower).suffix(2).map { [$0.base, $0.last, Int64($0.epoch)] }, [[18, 19, 7], [20, 23, 7]])
        // The cached tail batches were dropped with the truncation: a read at the end finds the new ones.
        XCTAssertEqual(batchOffsets(try follower.read(from: 21, maxBytes: 1, upTo: 24, minOneBatch: true).records).first?.base, 20)
        try follower.close()
        let reopened = try openLog(followerDir.path, config: config, clean: false)
        XCTAssertEqual(reopened.logEndOffset, 24)
        XCTAssertEqual(reopened.leaderEpochs.map(\.epoch), [0, 2, 7])
    }

    func testTruncateFullyRestartsAtTheLeadersLogStart() throws {
        let follower = try openLog(followerDir.path)
        _ = try follower.appendAsFollower(records: leaderBatch(base: 0, epoch: 1), now: 0)
        try PartitionLog.writeProducerSnapshot(ProducerStateManager(mapEndOffset: 3), directory: followerDir.path)
        try follower.truncateFully(restartingAt: 100, now: 0)
        XCTAssertEqual(follower.logStartOffset, 100)
        XCTAssertEqual(follower.logEndOffset, 100)
        XCTAssertEqual(follower.highWatermark, 100)
        XCTAssertEqual(follower.leaderEpochs, [])
        XCTAssertEqual(try files(followerDir.path, suffix: ".snapshot"), [])
        XCTAssertEqual(try files(followerDir.path, suffix: ".log"), [Segment.fileName(100, ".log")])
        // The leader's log start lies inside its first batch (98..100): the empty log restarts at its base.
        _ = try follower.appendAsFollower(records: leaderBatch(base: 98, epoch: 4), now: 0)
        XCTAssertEqual(follower.logStartOffset, 100)
        XCTAssertEqual(follower.logEndOffset, 101)
        XCTAssertEqual(follower.highWatermark, 100, "never below the log start")
        XCTAssertEqual(follower.leaderEpochs, [EpochEntry(epoch: 4, startOffset: 98)])
        XCTAssertEqual(batchOffsets(try follower.read(from: 100, maxBytes: 1, upTo: 101, minOneBatch: true).records).first?.base, 98)
        XCTAssertThrowsError(try follower.read(from: 99, maxBytes: 1, upTo: 101, minOneBatch: true))
    }

    func testExtremeOffsetsAreRefusedWithoutATrap() throws {
        let follower = try openLog(followerDir.path)
        for base in [Int64.max, Int64.max - 1, Segment.maxBaseOffset, Int64.min, -1] {
            XCTAssertThrowsError(try follower.appendAsFollower(records: leaderBatch(base: base, epoch: 0), now: 0)) {
                XCTAssertEqual($0 as? FollowerAppendError, .offsetOutOfBounds(baseOffset: base, lastOffsetDelta: 2))
            }
        }
        XCTAssertEqual(follower.logEndOffset, 0)
        XCTAssertThrowsError(try follower.truncateFully(restartingAt: Int64.max, now: 0))
        XCTAssertThrowsError(try follower.truncateFully(restartingAt: -5, now: 0))
        // The largest offsets a log can hold are accepted.
        let high = Segment.maxBaseOffset - 2
        try follower.truncateFully(restartingAt: high, now: 0)
        _ = try follower.appendAsFollower(records: leaderBatch(base: high, epoch: 0), now: 0)
        XCTAssertEqual(follower.logEndOffset, Segment.maxBaseOffset + 1)
        XCTAssertThrowsError(try follower.appendAsFollower(records: leaderBatch(base: Segment.maxBaseOffset + 1, epoch: 0), now: 0))
    }

    func testTornTailOfACrashedFollowerAppendIsTruncatedOnReopen() throws {
        let config = LogConfig(segmentBytes: size * 5, indexIntervalBytes: 1)
        let leader = try makeLeader(config)
        let follower = try openLog(followerDir.path, config: config)
        var records = try leader.read(from: 0, maxBytes: size * 4, upTo: 12, minOneBatch: true).records
        _ = try follower.appendAsFollower(records: records, now: 0)
        XCTAssertEqual(follower.logEndOffset, 12)
        // The crash: the next append reached the file only in part, and the process died unflushed.
        records = try leader.read(from: 12, maxBytes: size, upTo: 15, minOneBatch: true).records
        let active = followerDir.path + "/" + (try files(followerDir.path, suffix: ".log").last!)
        try appendToFile(active, Array(records.readableBytesView.prefix(size - 9)))

        let reopened = try openLog(followerDir.path, config: config, recoveryPoint: 0, clean: false)
        XCTAssertEqual(reopened.logEndOffset, 12)
        XCTAssertEqual(reopened.leaderEpochs.map(\.epoch), [0, 2])
        try replicate(from: leader, to: reopened, fetchBytes: size * 2)
        XCTAssertEqual(try readAll(reopened).map { [$0.base, $0.last, Int64($0.epoch)] },
                       try readAll(leader).map { [$0.base, $0.last, Int64($0.epoch)] })
        XCTAssertEqual(reopened.leaderEpochs, leader.leaderEpochs)
    }
}
