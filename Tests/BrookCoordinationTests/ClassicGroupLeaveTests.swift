import BrookCoordination
import BrookProtocol
import XCTest

final class ClassicGroupLeaveTests: XCTestCase {
    func testLeavingMemberTriggersRebalanceOfTheRest() {
        var h = GroupHarness()
        let ids = h.stableGroup(3)
        let result = h.leave([LeavingMember(memberId: ids[2])])
        XCTAssertEqual(result.error, ErrorCode.none)
        XCTAssertEqual(result.members.map(\.error), [ErrorCode.none])
        XCTAssertEqual(h.state, .preparingRebalance)
        let j0 = h.join(member: ids[0])
        XCTAssertNil(h.joins[j0])
        let j1 = h.join(member: ids[1])
        XCTAssertEqual(h.joins[j0]?.generationId, 2)
        XCTAssertEqual(h.joins[j0]?.members.map(\.memberId), [ids[0], ids[1]])
        XCTAssertEqual(h.joins[j1]?.members, [])
    }

    func testLeaderLeavingHandsLeadershipToAJoinedMember() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        _ = h.leave([LeavingMember(memberId: ids[0])])
        let j = h.join(member: ids[1])
        XCTAssertEqual(h.joins[j]?.leader, ids[1])
        XCTAssertEqual(h.joins[j]?.members.map(\.memberId), [ids[1]])
    }

    func testLastMemberLeavingEmptiesTheGroup() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        _ = h.leave([LeavingMember(memberId: ids[0])])
        XCTAssertEqual(h.state, .empty)
        XCTAssertEqual(h.group?.generationId, 2)
        XCTAssertNil(h.group?.protocolName)
    }

    func testLeaveErrors() {
        var h = GroupHarness()
        let missing = h.leave([LeavingMember(memberId: "x")])
        XCTAssertEqual(missing.members.first?.error, .unknownMemberId, "unknown group: per member")
        let ids = h.stableGroup(1)
        let result = h.leave([LeavingMember(memberId: "x"), LeavingMember(memberId: "", groupInstanceId: "nobody"),
                              LeavingMember(memberId: ids[0], groupInstanceId: "wrong")])
        XCTAssertEqual(result.members.map(\.error), [.unknownMemberId, .unknownMemberId, .unknownMemberId])
        XCTAssertEqual(h.state, .stable, "nobody valid left")
        XCTAssertEqual(h.shard.leave(groupId: "", members: [], now: h.now).0.error, .invalidGroupId)
    }

    func testLeavingWhileParkedAnswersTheParkedJoin() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let parked = h.join(member: ids[0])
        _ = h.leave([LeavingMember(memberId: ids[0])])
        XCTAssertEqual(h.joins[parked]?.error, .unknownMemberId)
    }

    func testPendingMemberMayLeave() {
        var h = GroupHarness()
        let first = h.join()
        let pending = h.joins[first]!.memberId
        let result = h.leave([LeavingMember(memberId: pending)])
        XCTAssertEqual(result.members.first?.error, ErrorCode.none)
        XCTAssertEqual(h.group?.pendingMemberIds, [])
    }

    func testAdminRemovesStaticMemberByInstanceId() {
        var h = GroupHarness()
        let token = h.join(instance: "i1")
        h.advance(by: 0)
        let id = h.joins[token]!.memberId
        h.sync(member: id, generation: 1, instance: "i1", assignments: [(id, "a")])
        let result = h.leave([LeavingMember(memberId: "", groupInstanceId: "i1")])
        XCTAssertEqual(result.members.first?.error, ErrorCode.none)
        XCTAssertEqual(h.state, .empty)
    }
}
