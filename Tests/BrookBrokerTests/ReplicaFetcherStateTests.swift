@testable import BrookBroker
import BrookProtocol
import BrookStorage
import NIOCore
import XCTest

/// The follower's fetch decisions without sockets or disks: what is fetched, and what each answer leads to.
final class ReplicaFetcherStateTests: XCTestCase {
    private let orders0 = TopicPartition(topic: "orders", partition: 0)
    private let orders1 = TopicPartition(topic: "orders", partition: 1)
    private let audit0 = TopicPartition(topic: "audit", partition: 0)

    private func state() -> ReplicaFetcherState {
        ReplicaFetcherState(localReplica: 2, settings: ReplicaFetcherSettings())
    }

    private func answer(_ error: ErrorCode = .none, records: ByteBuffer? = nil, highWatermark: Int64 = 0,
                        diverging: (Int32, Int64)? = nil) -> FetchResponse.PartitionData {
        var data = FetchResponse.PartitionData(partitionIndex: 0, errorCode: error.rawValue, highWatermark: highWatermark,
                                               lastStableOffset: highWatermark, logStartOffset: 0,
                                               abortedTransactions: nil, records: records)
        if let (epoch, end) = diverging { data.divergingEpoch = .init(epoch: epoch, endOffset: end) }
        return data
    }

    func testRequestCarriesKafkasReplicaSettingsAndEachPartitionsPosition() throws {
        var s = state()
        s.follow(orders0, leaderEpoch: 3, logEnd: 10, lastEpoch: 2)
        s.follow(orders1, leaderEpoch: 3, logEnd: 0, lastEpoch: -1)
        s.follow(audit0, leaderEpoch: 1, logEnd: 5, lastEpoch: 1)
        let request = try XCTUnwrap(s.nextRequest(now: 0))
        XCTAssertEqual(request.replicaId, 2)
        XCTAssertEqual(request.maxWaitMs, 500)
        XCTAssertEqual(request.minBytes, 1)
        XCTAssertEqual(request.maxBytes, 10 << 20)
        XCTAssertEqual(request.topics.map(\.topic), ["audit", "orders"])
        XCTAssertEqual(request.replicaState.replicaId, 2)
        let orders = try XCTUnwrap(request.topics.last)
        XCTAssertEqual(orders.partitions.map(\.partition), [0, 1])
        XCTAssertEqual(orders.partitions[0].fetchOffset, 10)
        XCTAssertEqual(orders.partitions[0].currentLeaderEpoch, 3)
        XCTAssertEqual(orders.partitions[0].lastFetchedEpoch, 2)
        XCTAssertEqual(orders.partitions[0].partitionMaxBytes, 1 << 20)
        XCTAssertEqual(orders.partitions[1].lastFetchedEpoch, -1)
        XCTAssertNil(s.nextRequest(now: 0), "partitions in flight are not fetched twice")
    }

    func testRecordsAreAppendedAndFetchedAgainOnlyAfterTheAppendCompleted() throws {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        let records = ByteBuffer(bytes: [1, 2, 3])
        XCTAssertEqual(s.received(orders0, answer(records: records, highWatermark: 4), now: 0),
                       .append(records: records, leaderHighWatermark: 4, leaderLogStart: 0))
        XCTAssertNil(s.nextRequest(now: 0), "no fetch while the append (and its fsync) is under way")
        s.logUpdated(orders0, logEnd: 7, lastEpoch: 1)
        let next = try XCTUnwrap(s.nextRequest(now: 0)?.topics.first?.partitions.first)
        XCTAssertEqual(next.fetchOffset, 7)
        XCTAssertEqual(next.lastFetchedEpoch, 1)
    }

    func testAnEmptyAnswerWithAnUnchangedHighWatermarkNeedsNoAppend() {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 3, lastEpoch: 1)
        _ = s.nextRequest(now: 0)
        XCTAssertEqual(s.received(orders0, answer(records: ByteBuffer(), highWatermark: 2), now: 0),
                       .append(records: ByteBuffer(), leaderHighWatermark: 2, leaderLogStart: 0),
                       "a new high watermark is applied")
        s.logUpdated(orders0, logEnd: 3, lastEpoch: 1)
        _ = s.nextRequest(now: 0)
        XCTAssertEqual(s.received(orders0, answer(records: ByteBuffer(), highWatermark: 2), now: 0), .none)
        XCTAssertEqual(s.partitions[orders0]?.phase, .fetching)
        _ = s.nextRequest(now: 0)
        var moved = answer(records: ByteBuffer(), highWatermark: 2)
        moved.logStartOffset = 1
        XCTAssertEqual(s.received(orders0, moved, now: 0),
                       .append(records: ByteBuffer(), leaderHighWatermark: 2, leaderLogStart: 1), "a new log start is applied")
    }

    func testDivergingEpochTruncatesThenFetches() {
        var s = state()
        s.follow(orders0, leaderEpoch: 2, logEnd: 4, lastEpoch: 1)
        _ = s.nextRequest(now: 0)
        XCTAssertEqual(s.received(orders0, answer(diverging: (1, 2)), now: 0), .truncateDiverging(epoch: 1, endOffset: 2))
        XCTAssertEqual(s.partitions[orders0]?.phase, .truncating)
        s.logUpdated(orders0, logEnd: 2, lastEpoch: 1)
        XCTAssertEqual(s.nextRequest(now: 0)?.topics.first?.partitions.first?.fetchOffset, 2)
    }

    func testDivergenceTruncationOffsetFollowsKafkasRule() {
        let ours = [EpochEntry(epoch: 1, startOffset: 0), EpochEntry(epoch: 3, startOffset: 5)]
        // Same epoch on both: the smaller of the two ends.
        XCTAssertEqual(ReplicaFetcherState.divergenceTruncationOffset(leaderEpoch: 1, leaderEndOffset: 3, localEpochs: ours,
                                                                      localLogEnd: 9), 3)
        XCTAssertEqual(ReplicaFetcherState.divergenceTruncationOffset(leaderEpoch: 3, leaderEndOffset: 12, localEpochs: ours,
                                                                      localLogEnd: 9), 9)
        // We never had epoch 2: cut to where our older epoch 1 ends; the next fetch finds the exact point.
        XCTAssertEqual(ReplicaFetcherState.divergenceTruncationOffset(leaderEpoch: 2, leaderEndOffset: 7, localEpochs: ours,
                                                                      localLogEnd: 9), 5)
        // An epoch newer than all of ours, or no epochs at all: min(leader's end, our end).
        XCTAssertEqual(ReplicaFetcherState.divergenceTruncationOffset(leaderEpoch: 4, leaderEndOffset: 6, localEpochs: ours,
                                                                      localLogEnd: 9), 6)
        XCTAssertEqual(ReplicaFetcherState.divergenceTruncationOffset(leaderEpoch: 4, leaderEndOffset: 6, localEpochs: [],
                                                                      localLogEnd: 2), 2)
    }

    func testOffsetOutOfRangeAsksTheLeaderThenTruncatesOrRestarts() {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 10, lastEpoch: 1)
        _ = s.nextRequest(now: 0)
        XCTAssertEqual(s.received(orders0, answer(.offsetOutOfRange), now: 0), .askLeaderOffsets)
        XCTAssertEqual(s.leaderOffsetsReceived(orders0, leaderLogStart: 0, leaderLogEnd: 8), .truncate(to: 8),
                       "above the leader's log end: cut back to it")

        s.logUpdated(orders0, logEnd: 3, lastEpoch: 1)
        _ = s.nextRequest(now: 0)
        XCTAssertEqual(s.received(orders0, answer(.offsetOutOfRange), now: 0), .askLeaderOffsets)
        XCTAssertEqual(s.leaderOffsetsReceived(orders0, leaderLogStart: 20, leaderLogEnd: 30), .truncateFully(restartingAt: 20),
                       "below the leader's log start: restart there")

        s.logUpdated(orders0, logEnd: 20, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        _ = s.received(orders0, answer(.offsetOutOfRange), now: 0)
        XCTAssertEqual(s.leaderOffsetsReceived(orders0, leaderLogStart: 20, leaderLogEnd: 30), .none, "in range now")
        XCTAssertEqual(s.partitions[orders0]?.phase, .fetching)
    }

    func testLeadershipErrorsDelayUntilTheBackoffOrNewLeadership() {
        for code in [ErrorCode.notLeaderOrFollower, .fencedLeaderEpoch, .unknownLeaderEpoch] {
            var s = state()
            s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
            _ = s.nextRequest(now: 100)
            XCTAssertEqual(s.received(orders0, answer(code), now: 100), .none)
            XCTAssertEqual(s.partitions[orders0]?.phase, .delayed(until: 1100), "\(code)")
            XCTAssertEqual(s.nextRetry, 1100)
            XCTAssertNil(s.nextRequest(now: 1099))
            XCTAssertNotNil(s.nextRequest(now: 1100), "retried after replica.fetch.backoff.ms")

            var renewed = state()
            renewed.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
            _ = renewed.nextRequest(now: 100)
            _ = renewed.received(orders0, answer(code), now: 100)
            renewed.follow(orders0, leaderEpoch: 2, logEnd: 0, lastEpoch: -1)
            XCTAssertEqual(renewed.nextRequest(now: 101)?.topics.first?.partitions.first?.currentLeaderEpoch, 2,
                           "new leadership ends the delay")
        }
    }

    func testStorageFailureStopsThePartitionAndOtherFailuresRetry() {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        s.follow(orders1, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        _ = s.received(orders0, answer(records: ByteBuffer(bytes: [1])), now: 0)
        _ = s.received(orders1, answer(records: ByteBuffer(bytes: [1])), now: 0)
        s.applyFailed(orders0, directoryOffline: true, now: 0)
        s.applyFailed(orders1, directoryOffline: false, now: 0, logEnd: 6, lastEpoch: 3)
        XCTAssertEqual(s.partitions[orders0]?.phase, .failed)
        s.follow(orders0, leaderEpoch: 2, logEnd: 0, lastEpoch: -1)
        XCTAssertEqual(s.partitions[orders0]?.phase, .failed, "an offline directory stays offline")
        XCTAssertNil(s.nextRequest(now: 999))
        let retried = s.nextRequest(now: 1000)?.topics.first?.partitions
        XCTAssertEqual(retried?.map(\.partition), [1])
        XCTAssertEqual(retried?.first?.fetchOffset, 6, "retried from where the log now ends")
        XCTAssertEqual(retried?.first?.lastFetchedEpoch, 3)
    }

    func testAFailedRequestDelaysItsPartitionsAndStaleAnswersAreIgnored() {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        s.requestFailed(now: 0)
        XCTAssertEqual(s.partitions[orders0]?.phase, .delayed(until: 1000))
        XCTAssertEqual(s.received(orders0, answer(records: ByteBuffer(bytes: [1])), now: 0), .none,
                       "an answer for a partition not in flight")
        s.unfollow(orders0)
        XCTAssertTrue(s.isEmpty)
        XCTAssertNil(s.nextRequest(now: 5000))
    }

    func testPartitionsLeftOutOfAnAnswerAreFetchedAgain() {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        s.follow(orders1, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        _ = s.received(orders0, answer(records: ByteBuffer(bytes: [1])), now: 0)
        s.answerEnded()
        XCTAssertEqual(s.partitions[orders1]?.phase, .fetching)
        XCTAssertEqual(s.partitions[orders0]?.phase, .appending)
    }

    func testTheFirstPlaceRotatesSoEveryPartitionGetsAnOversizedBatchInTurn() throws {
        var s = state()
        for tp in [orders0, orders1, audit0] { s.follow(tp, leaderEpoch: 1, logEnd: 0, lastEpoch: -1) }
        var firsts: [TopicPartition] = []
        for _ in 0..<3 {
            let request = try XCTUnwrap(s.nextRequest(now: 0))
            let topic = try XCTUnwrap(request.topics.first)
            firsts.append(TopicPartition(topic: topic.topic, partition: try XCTUnwrap(topic.partitions.first).partition))
            XCTAssertEqual(request.topics.flatMap(\.partitions).count, 3)
            s.answerEnded()
        }
        XCTAssertEqual(Set(firsts), [orders0, orders1, audit0])
    }

    func testAnErrorForAnOlderEpochIsRetriedAtOnceWithTheNewOne() throws {
        var s = state()
        s.follow(orders0, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        _ = s.nextRequest(now: 0)
        s.follow(orders0, leaderEpoch: 2, logEnd: 0, lastEpoch: -1)
        XCTAssertEqual(s.received(orders0, answer(.fencedLeaderEpoch), now: 0), .none)
        XCTAssertEqual(s.nextRequest(now: 0)?.topics.first?.partitions.first?.currentLeaderEpoch, 2)
    }
}

/// The follower throttle's seam: partitions held back stay out of the request and ready for the next.
final class ReplicaFetcherStateThrottleTests: XCTestCase {
    private let moving = TopicPartition(topic: "orders", partition: 0)
    private let steady = TopicPartition(topic: "orders", partition: 1)

    func testHeldBackPartitionsAreLeftOutAndStayReady() throws {
        var s = ReplicaFetcherState(localReplica: 2, settings: ReplicaFetcherSettings())
        s.follow(moving, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        s.follow(steady, leaderEpoch: 1, logEnd: 0, lastEpoch: -1)
        let request = try XCTUnwrap(s.nextRequest(now: 0) { tp, _ in tp == self.moving })
        XCTAssertEqual(request.topics.flatMap { $0.partitions.map(\.partition) }, [1])
        XCTAssertTrue(s.hasHeldBack(now: 0))
        XCTAssertNil(s.nextRequest(now: 0) { _, _ in true }, "the only ready partition is held back")
        XCTAssertEqual(s.nextRequest(now: 0)?.topics.first?.partitions.map(\.partition), [0], "fetched once let go")
        XCTAssertFalse(s.hasHeldBack(now: 0))
    }

    func testCaughtUpMeansHavingEverythingBelowTheLeadersHighWatermark() {
        var followed = ReplicaFetcherState.Followed(leaderEpoch: 1, fetchOffset: 5, lastFetchedEpoch: 1, phase: .fetching)
        XCTAssertFalse(followed.isCaughtUp, "no high watermark heard yet")
        followed.leaderHighWatermark = 9
        XCTAssertFalse(followed.isCaughtUp)
        followed.leaderHighWatermark = 5
        XCTAssertTrue(followed.isCaughtUp)
    }
}
