import BrookCluster
import XCTest

/// Three replicas [1, 2, 3]; this broker (1) leads at epoch 5, partition epoch 9.
private func leaderOfThree(logEnd: Int64 = 100, flushed: Int64 = 100, isr: [Int32] = [1, 2, 3],
                           now: Int64 = 1_000) -> PartitionReplicaState {
    var state = PartitionReplicaState(localReplica: 1, logEndOffset: logEnd, flushedOffset: flushed, highWatermark: 0)
    _ = state.becameLeader(epoch: 5, partitionEpoch: 9, replicas: [1, 2, 3], isr: isr, logEnd: logEnd, now: now)
    return state
}

private extension Result where Success == [ReplicaEffect] {
    var effects: [ReplicaEffect]? { try? get() }
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

final class SingleReplicaStateTests: XCTestCase {
    func testStartsAsLeaderAtEpochZeroWithItselfAsTheWholeIsr() {
        let (state, effects) = PartitionReplicaState.singleReplica(7, logEndOffset: 42, flushedOffset: 40, now: 5)
        XCTAssertTrue(state.isLeader)
        XCTAssertEqual(state.leadership, ReplicaLeadership(replicas: [7], leader: 7, leaderEpoch: 0, partitionEpoch: 0, isr: [7]))
        XCTAssertEqual(state.highWatermark, 42)
        XCTAssertEqual(state.durableIsrOffset, 40)
        XCTAssertEqual(effects, [.highWatermarkAdvanced(42), .durableIsrOffsetAdvanced(40)])
    }

    func testHighWatermarkFollowsEachAppendAndDurableOffsetEachFlush() {
        var (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: 0, flushedOffset: 0, now: 0)
        XCTAssertEqual(state.leaderAppended(logEnd: 3), [.highWatermarkAdvanced(3)])
        XCTAssertEqual(state.durableIsrOffset, 0)
        XCTAssertEqual(state.leaderAppended(logEnd: 5), [.highWatermarkAdvanced(5)])
        XCTAssertEqual(state.leaderFlushed(upTo: 3), [.durableIsrOffsetAdvanced(3)])
        XCTAssertEqual(state.leaderFlushed(upTo: 5), [.durableIsrOffsetAdvanced(5)])
        XCTAssertEqual(state.leaderFlushed(upTo: 5), [], "an fsync that covers nothing new changes nothing")
        XCTAssertEqual(state.tick(now: .max, replicaLagTimeMaxMs: 0), [], "no follower can lag")
    }

    func testMinInsyncCountsTheOneReplica() {
        let (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: 0, flushedOffset: 0, now: 0)
        XCTAssertTrue(state.minInsyncSatisfied(1))
        XCTAssertFalse(state.minInsyncSatisfied(2))
    }

    func testAFlushPastTheLogEndIsClampedToIt() {
        var (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: 10, flushedOffset: 0, now: 0)
        XCTAssertEqual(state.leaderFlushed(upTo: .max), [.durableIsrOffsetAdvanced(10)])
        XCTAssertEqual(state.flushedOffset, 10)
    }

    func testAShorterLogEndReportedByAnAppendIsIgnored() {
        var (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: 10, flushedOffset: 10, now: 0)
        XCTAssertEqual(state.leaderAppended(logEnd: 4), [])
        XCTAssertEqual(state.leaderAppended(logEnd: .min), [])
        XCTAssertEqual(state.highWatermark, 10)
        XCTAssertEqual(state.logEndOffset, 10)
    }

    func testExtremeInputsDoNotTrap() {
        var (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: .min, flushedOffset: .max, now: .min)
        XCTAssertEqual(state.logEndOffset, 0)
        XCTAssertEqual(state.flushedOffset, 0)
        XCTAssertEqual(state.leaderAppended(logEnd: .max), [.highWatermarkAdvanced(.max)])
        XCTAssertEqual(state.leaderFlushed(upTo: .max), [.durableIsrOffsetAdvanced(.max)])
        XCTAssertEqual(state.tick(now: .min, replicaLagTimeMaxMs: .max), [])
    }
}

final class PartitionReplicaStateTests: XCTestCase {
    // MARK: Watermarks

    func testFollowersUnknownSinceTheElectionHoldBothWatermarks() {
        var state = PartitionReplicaState(localReplica: 1, logEndOffset: 100, flushedOffset: 100, highWatermark: 80)
        let elected = state.becameLeader(epoch: 5, partitionEpoch: 9, replicas: [1, 2, 3], isr: [1, 2, 3],
                                         logEnd: 100, now: 0)
        XCTAssertEqual(elected.effects, [])
        XCTAssertEqual(state.highWatermark, 80)
        XCTAssertEqual(state.leaderAppended(logEnd: 120), [])
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 110, now: 1).effects, [])
        XCTAssertEqual(state.highWatermark, 80, "replica 3 has not fetched yet")
    }

    func testHighWatermarkIsTheSmallestIsrLogEnd() {
        var state = leaderOfThree(logEnd: 100, flushed: 100)
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 90, now: 1_001).effects, [])
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 95, now: 1_001).effects,
                       [.highWatermarkAdvanced(90), .durableIsrOffsetAdvanced(90)])
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 100, now: 1_002).effects,
                       [.highWatermarkAdvanced(95), .durableIsrOffsetAdvanced(95)])
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 100, now: 1_002).effects,
                       [.highWatermarkAdvanced(100), .durableIsrOffsetAdvanced(100)])
    }

    func testDurableIsrOffsetWaitsForTheLeadersOwnFsync() {
        var state = leaderOfThree(logEnd: 100, flushed: 100)
        _ = state.leaderAppended(logEnd: 150)
        _ = state.followerFetched(replica: 2, fetchOffset: 150, now: 1_001)
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 150, now: 1_001).effects,
                       [.highWatermarkAdvanced(150), .durableIsrOffsetAdvanced(100)])
        XCTAssertEqual(state.leaderFlushed(upTo: 140), [.durableIsrOffsetAdvanced(140)])
        XCTAssertEqual(state.leaderFlushed(upTo: 150), [.durableIsrOffsetAdvanced(150)])
    }

    func testDurableIsrOffsetWaitsForEveryFollowersFetchOffset() {
        var state = leaderOfThree(logEnd: 100, flushed: 100)
        _ = state.leaderAppended(logEnd: 150)
        _ = state.leaderFlushed(upTo: 150)
        _ = state.followerFetched(replica: 2, fetchOffset: 150, now: 1_001)
        _ = state.followerFetched(replica: 3, fetchOffset: 120, now: 1_001)
        XCTAssertEqual(state.highWatermark, 120)
        XCTAssertEqual(state.durableIsrOffset, 120)
    }

    func testWatermarksNeverMoveBackWhenAFollowerReportsLess() {
        var state = leaderOfThree()
        _ = state.followerFetched(replica: 2, fetchOffset: 100, now: 1_001)
        _ = state.followerFetched(replica: 3, fetchOffset: 100, now: 1_001)
        XCTAssertEqual(state.highWatermark, 100)
        // A follower that truncated (after an unclean election elsewhere) fetches from further back.
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 60, now: 1_002).effects, [])
        XCTAssertEqual(state.highWatermark, 100)
        XCTAssertEqual(state.durableIsrOffset, 100)
    }

    func testAFollowerOutsideTheIsrDoesNotHoldTheWatermarks() {
        var state = leaderOfThree(isr: [1, 2])
        _ = state.leaderAppended(logEnd: 200)
        _ = state.leaderFlushed(upTo: 200)
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 200, now: 1_001).effects,
                       [.highWatermarkAdvanced(200), .durableIsrOffsetAdvanced(200)])
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 10, now: 1_001).effects, [])
    }

    // MARK: ISR shrink

    func testShrinkProposedOnlyPastTheLagBound() {
        var state = leaderOfThree(now: 1_000)
        _ = state.leaderAppended(logEnd: 110)
        _ = state.followerFetched(replica: 2, fetchOffset: 110, now: 1_000)
        // Replica 3 has not fetched since the election at 1000, which counts as caught up then.
        XCTAssertEqual(state.tick(now: 31_000, replicaLagTimeMaxMs: 30_000), [], "exactly at the bound is still in sync")
        XCTAssertEqual(state.tick(now: 31_001, replicaLagTimeMaxMs: 30_000),
                       [.proposeIsrChange(IsrChangeProposal(isr: [1, 2], expectedPartitionEpoch: 9))])
        XCTAssertEqual(state.tick(now: 60_000, replicaLagTimeMaxMs: 30_000), [], "one proposal at a time")
    }

    func testAFollowerAtOurLogEndIsNeverOutOfSync() {
        var state = leaderOfThree(now: 0)
        _ = state.followerFetched(replica: 2, fetchOffset: 100, now: 0)
        _ = state.followerFetched(replica: 3, fetchOffset: 100, now: 0)
        XCTAssertEqual(state.tick(now: 1_000_000, replicaLagTimeMaxMs: 30_000), [])
    }

    func testCaughtUpAsOfThePreviousFetchCountsFromThatFetchsTime() {
        var state = leaderOfThree(now: 0)
        _ = state.followerFetched(replica: 2, fetchOffset: 100, now: 0)
        _ = state.leaderAppended(logEnd: 150)
        // At 10_000 replica 3 fetches 100: behind our end (150), so not caught up now.
        _ = state.followerFetched(replica: 3, fetchOffset: 100, now: 10_000)
        XCTAssertEqual(state.followers[3]?.lastCaughtUpTimeMs, 0)
        _ = state.leaderAppended(logEnd: 200)
        // At 20_000 it fetches 150: it reached our end as of its previous fetch, so it was caught up at 10_000.
        _ = state.followerFetched(replica: 3, fetchOffset: 150, now: 20_000)
        XCTAssertEqual(state.followers[3]?.lastCaughtUpTimeMs, 10_000)
        _ = state.followerFetched(replica: 2, fetchOffset: 200, now: 20_000)
        XCTAssertEqual(state.tick(now: 40_000, replicaLagTimeMaxMs: 30_000), [])
        XCTAssertEqual(state.tick(now: 40_001, replicaLagTimeMaxMs: 30_000),
                       [.proposeIsrChange(IsrChangeProposal(isr: [1, 2], expectedPartitionEpoch: 9))])
    }

    func testCommittedShrinkReleasesTheWatermarksTheLaggardHeld() {
        var state = leaderOfThree(now: 0)
        _ = state.leaderAppended(logEnd: 150)
        _ = state.leaderFlushed(upTo: 150)
        _ = state.followerFetched(replica: 2, fetchOffset: 150, now: 0)
        XCTAssertEqual(state.highWatermark, 0, "pinned by replica 3's unknown log end")
        XCTAssertEqual(state.tick(now: 40_000, replicaLagTimeMaxMs: 30_000).count, 1)
        XCTAssertEqual(state.highWatermark, 0, "a shrink counts only once committed")
        XCTAssertEqual(state.isrUpdated(isr: [1, 2], partitionEpoch: 10),
                       [.highWatermarkAdvanced(150), .durableIsrOffsetAdvanced(150)])
        XCTAssertEqual(state.leadership.partitionEpoch, 10)
        XCTAssertFalse(state.minInsyncSatisfied(3))
        XCTAssertTrue(state.minInsyncSatisfied(2))
    }

    func testAStaleIsrUpdateIsIgnored() {
        var state = leaderOfThree()
        XCTAssertEqual(state.isrUpdated(isr: [1], partitionEpoch: 8), [])
        XCTAssertEqual(state.isr, [1, 2, 3])
        XCTAssertEqual(state.leadership.partitionEpoch, 9)
    }

    func testARefusedProposalIsMadeAgainLater() {
        var state = leaderOfThree(now: 0)
        XCTAssertEqual(state.tick(now: 40_000, replicaLagTimeMaxMs: 30_000).count, 1)
        state.isrChangeFailed()
        XCTAssertNil(state.pendingIsrChange)
        XCTAssertEqual(state.tick(now: 40_001, replicaLagTimeMaxMs: 30_000),
                       [.proposeIsrChange(IsrChangeProposal(isr: [1], expectedPartitionEpoch: 9))])
    }

    // MARK: ISR expansion

    func testFollowerThatReachesTheHighWatermarkIsProposedBackIntoTheIsr() {
        var state = leaderOfThree(isr: [1, 2])
        _ = state.followerFetched(replica: 2, fetchOffset: 100, now: 1_001)
        _ = state.leaderAppended(logEnd: 130)
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 99, now: 1_002).effects, [], "below the high watermark")
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 100, now: 1_003).effects,
                       [.proposeIsrChange(IsrChangeProposal(isr: [1, 2, 3], expectedPartitionEpoch: 9))])
        // Until committed, the joining member already holds the watermarks (Kafka's maximal ISR)...
        _ = state.leaderFlushed(upTo: 130)
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 130, now: 1_004).effects, [])
        XCTAssertEqual(state.highWatermark, 100)
        // ...but does not count for min.insync.replicas.
        XCTAssertFalse(state.minInsyncSatisfied(3))
        XCTAssertEqual(state.isrUpdated(isr: [1, 2, 3], partitionEpoch: 10), [])
        XCTAssertTrue(state.minInsyncSatisfied(3))
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 130, now: 1_005).effects,
                       [.highWatermarkAdvanced(130), .durableIsrOffsetAdvanced(130)])
    }

    func testNoExpansionBeforeTheFollowerReachesThisEpochsStart() {
        // Elected with a log ending at 100 and a high watermark still at 50.
        var state = PartitionReplicaState(localReplica: 1, logEndOffset: 100, flushedOffset: 100, highWatermark: 50)
        _ = state.becameLeader(epoch: 5, partitionEpoch: 9, replicas: [1, 2, 3], isr: [1, 2], logEnd: 100, now: 0)
        XCTAssertEqual(state.leaderEpochStartOffset, 100)
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 60, now: 1).effects, [],
                       "past the high watermark, short of the epoch start")
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 100, now: 2).effects,
                       [.proposeIsrChange(IsrChangeProposal(isr: [1, 2, 3], expectedPartitionEpoch: 9))])
    }

    // MARK: Fencing and refusals

    func testFetchEpochRulesOfKip320() {
        var state = leaderOfThree()
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 100, currentLeaderEpoch: 4, now: 1).error,
                       .fencedLeaderEpoch(requested: 4, current: 5))
        XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: 100, currentLeaderEpoch: 6, now: 1).error,
                       .unknownLeaderEpoch(requested: 6, current: 5))
        XCTAssertNotNil(state.followerFetched(replica: 2, fetchOffset: 100, currentLeaderEpoch: 5, now: 1).effects)
        XCTAssertNotNil(state.followerFetched(replica: 2, fetchOffset: 100, currentLeaderEpoch: -1, now: 1).effects)
        XCTAssertEqual(state.leadership.checkLeaderEpoch(.min), nil)
        XCTAssertEqual(state.leadership.checkLeaderEpoch(.max), .unknownLeaderEpoch(requested: .max, current: 5))
    }

    func testFetchFromANonReplica() {
        var state = leaderOfThree()
        let before = state
        XCTAssertEqual(state.followerFetched(replica: 9, fetchOffset: 100, currentLeaderEpoch: 5, now: 1).error,
                       .unknownLeaderEpoch(requested: 5, current: 5))
        XCTAssertEqual(state.followerFetched(replica: 9, fetchOffset: 100, now: 1).error, .notLeaderOrFollower)
        XCTAssertEqual(state.followerFetched(replica: 1, fetchOffset: 100, now: 1).error, .notLeaderOrFollower,
                       "we do not fetch from ourselves")
        XCTAssertEqual(state, before)
    }

    func testFetchOutsideOurLog() {
        var state = leaderOfThree()
        let before = state
        for offset: Int64 in [101, .max, -1, .min] {
            XCTAssertEqual(state.followerFetched(replica: 2, fetchOffset: offset, now: 1).error,
                           .offsetOutOfRange(fetchOffset: offset, logEndOffset: 100))
        }
        XCTAssertEqual(state, before)
    }

    func testAFollowerComputesNoWatermarkAndRefusesFetches() {
        var state = leaderOfThree()
        XCTAssertNoThrow(try state.becameFollower(leader: 2, epoch: 6).get())
        XCTAssertEqual(state.role, .follower(leader: 2))
        XCTAssertEqual(state.leaderEpoch, 6)
        XCTAssertTrue(state.followers.isEmpty)
        XCTAssertEqual(state.leaderAppended(logEnd: 500), [])
        XCTAssertEqual(state.leaderFlushed(upTo: 500), [])
        XCTAssertEqual(state.highWatermark, 0)
        XCTAssertEqual(state.tick(now: .max, replicaLagTimeMaxMs: 0), [])
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 10, now: 1).error, .notLeaderOrFollower)
        XCTAssertEqual(state.followerFetched(replica: 3, fetchOffset: 10, currentLeaderEpoch: 5, now: 1).error,
                       .fencedLeaderEpoch(requested: 5, current: 6))
    }

    func testStaleLeadershipChangesAreRefused() {
        var state = leaderOfThree()
        XCTAssertEqual(state.becameLeader(epoch: 4, partitionEpoch: 20, replicas: [1], isr: [1], logEnd: 0, now: 0).error,
                       .staleLeaderEpoch(received: 4, current: 5))
        if case .failure(let error) = state.becameFollower(leader: 2, epoch: 4) {
            XCTAssertEqual(error, .staleLeaderEpoch(received: 4, current: 5))
        } else {
            XCTFail("an older epoch must not demote us")
        }
        XCTAssertTrue(state.isLeader)
        XCTAssertEqual(state.logEndOffset, 100)
    }

    func testReelectionAtTheSameEpochKeepsFollowerProgress() {
        var state = leaderOfThree()
        _ = state.followerFetched(replica: 2, fetchOffset: 100, now: 1_001)
        _ = state.becameLeader(epoch: 5, partitionEpoch: 10, replicas: [1, 2, 3], isr: [1, 2, 3], logEnd: 100, now: 2_000)
        XCTAssertEqual(state.followers[2]?.logEndOffset, 100)
        _ = state.becameLeader(epoch: 6, partitionEpoch: 11, replicas: [1, 2, 3], isr: [1, 2, 3], logEnd: 100, now: 3_000)
        XCTAssertNil(state.followers[2]?.logEndOffset, "a new epoch starts every follower unknown")
        XCTAssertEqual(state.followers[2]?.lastCaughtUpTimeMs, 3_000)
    }

    func testLeadershipWithAShorterLogClampsTheWatermarks() {
        var (state, _) = PartitionReplicaState.singleReplica(1, logEndOffset: 100, flushedOffset: 100, now: 0)
        XCTAssertNoThrow(try state.becameFollower(leader: 2, epoch: 1).get())
        // Truncated as a follower to 70, then elected.
        let effects = state.becameLeader(epoch: 2, partitionEpoch: 3, replicas: [1], isr: [1], logEnd: 70, now: 0).effects
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.highWatermark, 70)
        XCTAssertEqual(state.durableIsrOffset, 70)
        XCTAssertEqual(state.flushedOffset, 70)
    }

    func testLagArithmeticSaturatesOnExtremeClocks() {
        var state = leaderOfThree(now: .min)
        XCTAssertEqual(state.tick(now: .max, replicaLagTimeMaxMs: .max - 1).count, 1)
        var caughtUpAtZero = leaderOfThree(now: 0)
        XCTAssertEqual(caughtUpAtZero.tick(now: .min, replicaLagTimeMaxMs: 0), [], "a clock that jumped back is no lag")
    }
}
