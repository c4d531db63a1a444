import BrookCluster
import XCTest

/// KIP-392's rack-aware choice of the replica a consumer reads from.
final class ReadReplicaSelectorTests: XCTestCase {
    private let racks: [Int32: String] = [1: "a", 2: "b", 3: "b", 4: "c"]

    /// Broker 1 leads [1, 2, 3, 4] at log end 100; followers 2 and 3 (rack b) fetched up to `ends`.
    private func leader(ends: [Int32: Int64], now: Int64 = 1_000) -> PartitionReplicaState {
        var state = PartitionReplicaState(localReplica: 1, logEndOffset: 100, flushedOffset: 100, highWatermark: 0)
        _ = state.becameLeader(epoch: 3, partitionEpoch: 3, replicas: [1, 2, 3, 4], isr: [1, 2, 3, 4], logEnd: 100, now: 0)
        for (replica, end) in ends { _ = state.followerFetched(replica: replica, fetchOffset: end, now: now) }
        return state
    }

    private func choose(_ state: PartitionReplicaState, rack: String, offset: Int64 = 50, now: Int64 = 1_000) -> Int32? {
        ReadReplicaSelector.preferredFollower(state, clientRack: rack, fetchOffset: offset, now: now,
                                              replicaLagTimeMaxMs: 30_000, rackOf: { self.racks[$0] })
    }

    func testTheMostCaughtUpFollowerInTheClientsRack() {
        let state = leader(ends: [2: 80, 3: 100])
        XCTAssertEqual(choose(state, rack: "b"), 3)
    }

    func testTheLeaderServesItsOwnRackUnknownRacksAndNoRack() {
        let state = leader(ends: [2: 100, 3: 100])
        XCTAssertNil(choose(state, rack: "a"), "the leader is in the client's rack")
        XCTAssertNil(choose(state, rack: "z"), "no replica in that rack")
        XCTAssertNil(choose(state, rack: ""), "the client gave no rack")
    }

    func testFollowersWithoutTheOffsetOrLaggingAreSkipped() {
        let state = leader(ends: [2: 40, 3: 45])
        XCTAssertNil(choose(state, rack: "b", offset: 50), "neither follower holds offset 50 yet")
        XCTAssertEqual(choose(state, rack: "b", offset: 42), 3)
        XCTAssertNil(choose(leader(ends: [2: 100]), rack: "b", now: 1_000 + 30_001),
                     "caught up longer ago than replica.lag.time.max.ms")
        XCTAssertNil(choose(leader(ends: [4: 100]).withoutFollowerFetches(), rack: "c"))
    }

    func testOnlyALeaderChooses() {
        var follower = PartitionReplicaState(localReplica: 2, logEndOffset: 100, flushedOffset: 100, highWatermark: 0)
        _ = follower.becameFollower(leader: 1, epoch: 3)
        XCTAssertNil(ReadReplicaSelector.preferredFollower(follower, clientRack: "b", fetchOffset: 0, now: 0,
                                                           replicaLagTimeMaxMs: 30_000, rackOf: { self.racks[$0] }))
    }
}

private extension PartitionReplicaState {
    /// A freshly elected leader's state: no follower has fetched yet.
    func withoutFollowerFetches() -> PartitionReplicaState {
        var state = PartitionReplicaState(localReplica: localReplica, logEndOffset: logEndOffset, flushedOffset: flushedOffset,
                                          highWatermark: 0)
        _ = state.becameLeader(epoch: leaderEpoch + 1, partitionEpoch: leaderEpoch + 1, replicas: leadership.replicas,
                               isr: leadership.isr, logEnd: logEndOffset, now: 0)
        return state
    }
}
