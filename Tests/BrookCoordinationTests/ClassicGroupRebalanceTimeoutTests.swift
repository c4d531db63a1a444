import BrookCoordination
import BrookProtocol
import XCTest

final class ClassicGroupRebalanceTimeoutTests: XCTestCase {
    func testMembersThatDoNotRejoinInTimeAreDropped() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let j = h.join(member: ids[0])
        XCTAssertEqual(h.timers[.join(group: "g")], h.now + Int64(GroupHarness.rebalance))
        // ids[1] heartbeats (REBALANCE_IN_PROGRESS) but never rejoins.
        for _ in 0..<5 {
            h.advance(by: 5000)
            XCTAssertEqual(h.heartbeat(member: ids[1], generation: 1), .rebalanceInProgress)
        }
        XCTAssertNil(h.joins[j])
        h.advance(by: 5000)
        XCTAssertEqual(h.joins[j]?.generationId, 2)
        XCTAssertEqual(h.joins[j]?.members.map(\.memberId), [ids[0]])
        XCTAssertNil(h.group?.member(ids[1]))
        XCTAssertEqual(h.heartbeat(member: ids[1], generation: 1), .unknownMemberId)
    }

    func testNobodyRejoiningWaitsAnotherRoundForSessionsToExpire() {
        var h = GroupHarness()
        let t = h.join(instance: "s", session: 40_000, rebalance: 10_000)
        h.advance(by: 0)
        let id = h.joins[t]!.memberId
        h.sync(member: id, generation: 1, instance: "s", assignments: [(id, "x")])
        // A dynamic member joins and leaves again while parked: the static member never rejoins.
        let (newcomer, parked) = h.joinNew(client: "n", session: 40_000, rebalance: 10_000)
        _ = h.leave([LeavingMember(memberId: newcomer)])
        XCTAssertEqual(h.joins[parked]?.error, .unknownMemberId)
        h.advance(by: 10_000)
        XCTAssertEqual(h.state, .preparingRebalance, "no member rejoined: the phase is extended")
        XCTAssertNotNil(h.group?.member(id), "static members that did not rejoin are kept")
        XCTAssertNotNil(h.timers[.join(group: "g")])
        h.advance(by: 30_000)
        XCTAssertEqual(h.state, .empty, "the static member's session expired")
        XCTAssertEqual(h.group?.generationId, 2)
    }
}
