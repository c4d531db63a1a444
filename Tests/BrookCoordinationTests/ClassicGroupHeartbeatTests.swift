import BrookCoordination
import BrookProtocol
import XCTest

final class ClassicGroupHeartbeatTests: XCTestCase {
    func testHeartbeatAnswersByState() {
        var h = GroupHarness()
        XCTAssertEqual(h.heartbeat(member: "m", generation: 0), .unknownMemberId, "unknown group")
        let (id, _) = h.joinNew()
        h.advance(by: 0)
        XCTAssertEqual(h.state, .completingRebalance)
        XCTAssertEqual(h.heartbeat(member: id, generation: 1), ErrorCode.none, "heartbeats may start before SyncGroup")
        h.sync(member: id, generation: 1, assignments: [(id, "a")])
        XCTAssertEqual(h.heartbeat(member: id, generation: 1), ErrorCode.none)
        XCTAssertEqual(h.heartbeat(member: id, generation: 0), .illegalGeneration)
        XCTAssertEqual(h.heartbeat(member: "other", generation: 1), .unknownMemberId)
        XCTAssertEqual(h.heartbeat(member: id, generation: 1, instance: "nope"), .unknownMemberId)
        h.join(member: id)
        XCTAssertEqual(h.state, .completingRebalance, "the only member rejoined: generation 2 at once")
        XCTAssertEqual(h.heartbeat(member: id, generation: 1), .illegalGeneration)

        var g = GroupHarness()
        let ids = g.stableGroup(2)
        g.join(member: ids[0])
        XCTAssertEqual(g.heartbeat(member: ids[1], generation: 1), .rebalanceInProgress)
    }

    func testHeartbeatsKeepTheSessionAlive() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        for _ in 0..<10 {
            h.advance(by: Int64(GroupHarness.session) - 1)
            XCTAssertEqual(h.heartbeat(member: ids[0], generation: 1), ErrorCode.none)
        }
        XCTAssertEqual(h.state, .stable)
    }

    func testSessionExpiryRemovesMemberAndRebalancesTheRest() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        h.advance(by: 6000)
        XCTAssertEqual(h.heartbeat(member: ids[0], generation: 1), ErrorCode.none)
        h.advance(by: 4000)  // ids[1] has been silent for the whole session timeout
        XCTAssertNil(h.group?.member(ids[1]))
        XCTAssertEqual(h.state, .preparingRebalance)
        XCTAssertEqual(h.heartbeat(member: ids[0], generation: 1), .rebalanceInProgress)
        let rejoin = h.join(member: ids[0])
        XCTAssertEqual(h.joins[rejoin]?.generationId, 2)
        XCTAssertEqual(h.joins[rejoin]?.members.map(\.memberId), [ids[0]])
    }

    func testLastMemberExpiringLeavesAnEmptyGroupAndWritesIt() {
        var h = GroupHarness()
        _ = h.stableGroup(1)
        h.appended.removeAll()
        h.advance(by: Int64(GroupHarness.session))
        XCTAssertEqual(h.state, .empty)
        XCTAssertEqual(h.group?.generationId, 2)
        guard case .groupMetadata("g", let value?)? = h.appended.last else { return XCTFail("\(h.appended)") }
        XCTAssertEqual(value.members, [])
        XCTAssertNil(value.protocolName)
    }

    func testPendingMemberThatNeverRejoinsExpires() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        let first = h.join(client: "slow")
        let pending = h.joins[first]!.memberId
        h.advance(by: Int64(GroupHarness.session) - 1)
        _ = h.heartbeat(member: ids[0], generation: 1)
        h.advance(by: 1)
        XCTAssertEqual(h.group?.pendingMemberIds, [])
        XCTAssertEqual(h.joins[h.join(member: pending, client: "slow")]?.error, .unknownMemberId)
    }

    func testPendingMemberHoldsTheJoinPhaseUntilItExpires() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        let first = h.join(client: "slow")
        _ = h.joins[first]!
        let rejoin = h.join(member: ids[0])  // leader rejoin starts a rebalance
        XCTAssertEqual(h.state, .preparingRebalance, "waits for the pending member")
        h.advance(by: Int64(GroupHarness.session))
        XCTAssertEqual(h.joins[rejoin]?.generationId, 2, "the pending member expired; the phase completes")
    }

    func testNewMemberParkedTooLongIsDropped() {
        var h = GroupHarness { $0.newMemberJoinTimeoutMs = 20_000 }
        let ids = h.stableGroup(2)
        let (_, newJoin) = h.joinNew(client: "new", rebalance: 60_000)
        XCTAssertEqual(h.state, .preparingRebalance)
        // ids[0] rejoins; ids[1] keeps heartbeating but never rejoins within the long rebalance timeout.
        h.join(member: ids[0], rebalance: 60_000)
        for _ in 0..<4 {
            h.advance(by: 5000)
            XCTAssertEqual(h.heartbeat(member: ids[1], generation: 1), .rebalanceInProgress)
        }
        XCTAssertEqual(h.joins[newJoin]?.error, .unknownMemberId, "new members may not wait forever")
        XCTAssertEqual(h.state, .preparingRebalance)
    }
}
