import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class StaticMembershipTests: XCTestCase {
    /// Two static members, Stable; returns (leader id, follower id) with instances "i0" (leader) and "i1".
    private func stableStaticGroup(_ h: inout GroupHarness) -> (String, String) {
        let t0 = h.join(instance: "i0")
        let t1 = h.join(instance: "i1")
        XCTAssertNil(h.joins[t0], "static members skip MEMBER_ID_REQUIRED")
        h.advance(by: 0)
        let leader = h.joins[t0]!.memberId
        let follower = h.joins[t1]!.memberId
        XCTAssertEqual(h.joins[t0]?.leader, leader)
        XCTAssertTrue(leader.hasPrefix("i0-"), "static member ids start with the instance id")
        h.sync(member: follower, generation: 1, instance: "i1")
        h.sync(member: leader, generation: 1, instance: "i0", assignments: [(leader, "A0"), (follower, "A1")])
        XCTAssertEqual(h.state, .stable)
        return (leader, follower)
    }

    func testRestartWithinSessionTimeoutDoesNotRebalance() {
        var h = GroupHarness()
        let (_, oldFollower) = stableStaticGroup(&h)
        h.appended.removeAll()
        let rejoin = h.join(instance: "i1")
        let answer = h.joins[rejoin]!
        XCTAssertEqual(answer.error, ErrorCode.none)
        XCTAssertEqual(answer.generationId, 1, "same generation: no rebalance")
        XCTAssertNotEqual(answer.memberId, oldFollower)
        XCTAssertEqual(h.state, .stable)
        guard case .groupMetadata("g", let value?)? = h.appended.first else { return XCTFail("new member id must be persisted") }
        XCTAssertTrue(value.members.contains { $0.memberId == answer.memberId && $0.groupInstanceId == "i1" })
        let sync = h.syncs[h.sync(member: answer.memberId, generation: 1, instance: "i1")]!
        XCTAssertEqual(sync.assignment, ByteBuffer(string: "A1"), "keeps the previous assignment")
    }

    func testOldMemberIdIsFenced() {
        var h = GroupHarness()
        let (_, oldFollower) = stableStaticGroup(&h)
        _ = h.join(instance: "i1")
        XCTAssertEqual(h.heartbeat(member: oldFollower, generation: 1, instance: "i1"), .fencedInstanceId)
        XCTAssertEqual(h.syncs[h.sync(member: oldFollower, generation: 1, instance: "i1")]?.error, .fencedInstanceId)
        XCTAssertEqual(h.joins[h.join(member: oldFollower, instance: "i1")]?.error, .fencedInstanceId)
        XCTAssertEqual(h.leave([LeavingMember(memberId: oldFollower, groupInstanceId: "i1")]).members.first?.error, .fencedInstanceId)
        XCTAssertEqual(h.heartbeat(member: oldFollower, generation: 1), .unknownMemberId)
    }

    func testParkedRequestsOfTheReplacedMemberAreFenced() {
        var h = GroupHarness()
        let (leader, follower) = stableStaticGroup(&h)
        let parked = h.join(member: follower, instance: "i1", protocols: GroupHarness.protocols(topics: ["new"]))
        XCTAssertEqual(h.state, .preparingRebalance)
        _ = h.join(instance: "i1", protocols: GroupHarness.protocols(topics: ["new"]))
        XCTAssertEqual(h.joins[parked]?.error, .fencedInstanceId)
        XCTAssertEqual(h.joins[parked]?.memberId, follower)
        _ = leader
    }

    func testStaticLeaderRestartSkipsAssignmentOnNewClients() {
        var h = GroupHarness()
        let (oldLeader, follower) = stableStaticGroup(&h)
        let answer = h.joins[h.join(instance: "i0")]!
        XCTAssertEqual(answer.leader, answer.memberId)
        XCTAssertTrue(answer.skipAssignment)
        XCTAssertEqual(Set(answer.members.map(\.memberId)), [answer.memberId, follower])
        XCTAssertNotEqual(answer.memberId, oldLeader)
        XCTAssertEqual(h.state, .stable)
    }

    func testStaticLeaderRestartOnOldClientsNamesTheOldLeader() {
        var h = GroupHarness()
        let (oldLeader, _) = stableStaticGroup(&h)
        let answer = h.joins[h.join(instance: "i0", skipAssignment: false)]!
        XCTAssertEqual(answer.leader, oldLeader, "the client acts as a follower and just syncs")
        XCTAssertEqual(answer.members, [])
        XCTAssertFalse(answer.skipAssignment)
        XCTAssertEqual(h.group?.leaderId, answer.memberId)
    }

    func testStaticRejoinWithDifferentProtocolRebalances() {
        var h = GroupHarness()
        _ = stableStaticGroup(&h)
        _ = h.join(instance: "i1", protocols: GroupHarness.protocols(["roundrobin", "range"]))
        XCTAssertEqual(h.state, .stable, "range is still the only protocol both support")
        _ = h.join(instance: "i0", protocols: GroupHarness.protocols(["roundrobin", "range"]))
        XCTAssertEqual(h.state, .preparingRebalance, "the selected protocol would change")
    }

    func testStaticRejoinDuringCompletingRebalanceRestartsIt() {
        var h = GroupHarness()
        let t0 = h.join(instance: "i0")
        h.advance(by: 0)
        XCTAssertEqual(h.state, .completingRebalance)
        let rejoin = h.join(instance: "i0")
        XCTAssertNotNil(h.joins[t0])
        XCTAssertEqual(h.joins[rejoin]?.generationId, 2, "a new generation; the only member has rejoined")
        XCTAssertEqual(h.state, .completingRebalance)
    }

    func testStaticMemberDoesNotGetMemberIdRequiredAndExpiresAfterSession() {
        var h = GroupHarness()
        _ = stableStaticGroup(&h)
        h.advance(by: Int64(GroupHarness.session))
        XCTAssertEqual(h.state, .empty, "static members still expire when their session times out")
    }
}
