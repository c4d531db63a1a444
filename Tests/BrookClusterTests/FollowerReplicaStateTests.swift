import BrookCluster
import XCTest

/// `followerLogUpdated`: a follower's high watermark is min(leader's, own log end).
final class FollowerReplicaStateTests: XCTestCase {
    private func follower(logEnd: Int64) -> PartitionReplicaState {
        var state = PartitionReplicaState(localReplica: 2, logEndOffset: logEnd, flushedOffset: logEnd, highWatermark: 0)
        _ = state.becameFollower(leader: 1, epoch: 4)
        return state
    }

    func testHighWatermarkIsTheLeadersCappedAtOurLogEnd() {
        var state = follower(logEnd: 0)
        XCTAssertEqual(state.followerLogUpdated(logEnd: 10, leaderHighWatermark: 30), [.highWatermarkAdvanced(10)])
        XCTAssertEqual(state.followerLogUpdated(logEnd: 40, leaderHighWatermark: 30), [.highWatermarkAdvanced(30)])
        XCTAssertEqual(state.logEndOffset, 40)
        XCTAssertEqual(state.followerLogUpdated(logEnd: 40, leaderHighWatermark: 20), [], "a lagging new leader's HW")
        XCTAssertEqual(state.highWatermark, 30)
        XCTAssertEqual(state.durableIsrOffset, 0, "acks=all is never answered by a follower")
    }

    func testTruncationClampsOurWatermarksAndFlushedEnd() {
        var state = follower(logEnd: 50)
        _ = state.followerLogUpdated(logEnd: 50, leaderHighWatermark: 45)
        XCTAssertEqual(state.followerLogUpdated(logEnd: 20, leaderHighWatermark: -1), [])
        XCTAssertEqual([state.logEndOffset, state.highWatermark, state.flushedOffset], [20, 20, 20])
        XCTAssertEqual(state.followerLogUpdated(logEnd: 22, leaderHighWatermark: 45), [.highWatermarkAdvanced(22)])
    }

    func testIgnoredWhileLeading() {
        var state = PartitionReplicaState(localReplica: 1, logEndOffset: 10, flushedOffset: 10, highWatermark: 0)
        _ = state.becameLeader(epoch: 5, partitionEpoch: 1, replicas: [1, 2], isr: [1, 2], logEnd: 10, now: 0)
        XCTAssertEqual(state.followerLogUpdated(logEnd: 3, leaderHighWatermark: 3), [])
        XCTAssertEqual(state.logEndOffset, 10)
    }
}
