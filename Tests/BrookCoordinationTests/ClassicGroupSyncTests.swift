import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class ClassicGroupSyncTests: XCTestCase {
    private func completing(_ h: inout GroupHarness, members: Int) -> (leader: String, followers: [String]) {
        var tokens: [RequestToken] = []
        var ids: [String] = []
        for i in 0..<members {
            let (id, token) = h.joinNew(client: "c\(i)")
            ids.append(id)
            tokens.append(token)
        }
        h.advance(by: 0)
        let leader = h.joins[tokens[0]]!.leader
        return (leader, ids.filter { $0 != leader })
    }

    func testFollowerSyncParksUntilLeaderAssignsThenEveryoneGetsOwnAssignment() {
        var h = GroupHarness()
        let (leader, followers) = completing(&h, members: 3)
        let f1 = h.sync(member: followers[0], generation: 1)
        XCTAssertNil(h.syncs[f1])
        let l = h.sync(member: leader, generation: 1, assignments: [(leader, "L"), (followers[0], "F1")])
        XCTAssertEqual(h.state, .stable)
        XCTAssertEqual(h.syncs[l]?.assignment, ByteBuffer(string: "L"))
        XCTAssertEqual(h.syncs[f1]?.assignment, ByteBuffer(string: "F1"))
        XCTAssertEqual(h.syncs[f1]?.protocolName, "range")
        // The member the leader left out still gets bytes: an empty assignment.
        let f2 = h.sync(member: followers[1], generation: 1)
        XCTAssertEqual(h.syncs[f2]?.error, ErrorCode.none)
        XCTAssertEqual(h.syncs[f2]?.assignment.readableBytes, 0)
    }

    func testLeaderSyncWritesGroupMetadataBeforeAnswers() {
        var h = GroupHarness()
        let (leader, _) = completing(&h, members: 1)
        let effects = h.shard.sync(SyncGroupInput(groupId: "g", generationId: 1, memberId: leader,
                                                  assignments: [(leader, ByteBuffer(string: "A"))]),
                                   token: RequestToken(999), now: h.now)
        guard case .append(let records)? = effects.first(where: { if case .append = $0 { return true } else { return false } }),
              case .groupMetadata("g", let value?) = records.first else {
            return XCTFail("expected a group metadata record, got \(effects)")
        }
        let appendIndex = effects.firstIndex { if case .append = $0 { return true } else { return false } }!
        let answerIndex = effects.firstIndex { if case .respondSync(RequestToken(999), _) = $0 { return true } else { return false } }!
        XCTAssertLessThan(appendIndex, answerIndex, "answers are released after the write")
        XCTAssertEqual(value.generation, 1)
        XCTAssertEqual(value.leader, leader)
        XCTAssertEqual(value.protocolName, "range")
        XCTAssertEqual(value.members.first?.assignment, ByteBuffer(string: "A"))
    }

    func testSyncErrors() {
        var h = GroupHarness()
        XCTAssertEqual(h.syncs[h.sync(member: "x", generation: 1)]?.error, .unknownMemberId, "unknown group")
        let (leader, _) = completing(&h, members: 1)
        XCTAssertEqual(h.syncs[h.sync(member: "x", generation: 1)]?.error, .unknownMemberId)
        XCTAssertEqual(h.syncs[h.sync(member: leader, generation: 7)]?.error, .illegalGeneration)
        XCTAssertEqual(h.syncs[h.sync(member: leader, generation: 1, protocolName: "roundrobin")]?.error, .inconsistentGroupProtocol)
        XCTAssertEqual(h.syncs[h.sync(member: leader, generation: 1, instance: "i")]?.error, .unknownMemberId)
        for result in h.syncs.values { XCTAssertEqual(result.assignment.readableBytes, 0) }
    }

    func testSyncDuringPreparingRebalanceAsksToRejoin() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        h.join(member: ids[0])
        XCTAssertEqual(h.syncs[h.sync(member: ids[1], generation: 1)]?.error, .rebalanceInProgress)
    }

    func testStableSyncReturnsCurrentAssignment() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let again = h.syncs[h.sync(member: ids[1], generation: 1)]!
        XCTAssertEqual(again.assignment, ByteBuffer(string: "assignment-\(ids[1])"))
    }

    func testSyncOnEmptyGroupIsUnknownMember() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        _ = h.leave([LeavingMember(memberId: ids[0])])
        XCTAssertEqual(h.state, .empty)
        XCTAssertEqual(h.syncs[h.sync(member: ids[0], generation: 2)]?.error, .unknownMemberId)
    }

    func testMembersThatNeverSyncAreRemovedAfterRebalanceTimeout() {
        var h = GroupHarness()
        let (leader, followers) = completing(&h, members: 2)
        h.sync(member: leader, generation: 1, assignments: [(leader, "L")])
        XCTAssertEqual(h.state, .stable)
        // The follower keeps heartbeating but never syncs.
        for _ in 0..<5 {
            h.advance(by: 5000)
            _ = h.heartbeat(member: followers[0], generation: 1)
            _ = h.heartbeat(member: leader, generation: 1)
        }
        h.advance(by: Int64(GroupHarness.rebalance))
        XCTAssertNil(h.group?.member(followers[0]))
        XCTAssertNotEqual(h.state, .stable)
    }
}
