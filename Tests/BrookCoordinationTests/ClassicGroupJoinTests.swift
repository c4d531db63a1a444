import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class ClassicGroupJoinTests: XCTestCase {
    func testNewDynamicMemberGetsMemberIdRequiredAndBecomesPending() {
        var h = GroupHarness()
        let token = h.join(client: "rdkafka")
        let answer = h.joins[token]!
        XCTAssertEqual(answer.error, .memberIdRequired)
        XCTAssertTrue(answer.memberId.hasPrefix("rdkafka-"))
        XCTAssertEqual(h.state, .empty)
        XCTAssertEqual(h.group?.pendingMemberIds, [answer.memberId])
        XCTAssertNotNil(h.timers[.heartbeat(group: "g", member: answer.memberId)], "pending members expire after the session timeout")
    }

    func testPendingMemberRejoinStartsInitialRebalanceThatCompletesAfterDelay() {
        var h = GroupHarness(initialDelay: 3000)
        let (id, token) = h.joinNew()
        XCTAssertEqual(h.state, .preparingRebalance)
        XCTAssertNil(h.joins[token], "parked until the initial delay passes")
        XCTAssertEqual(h.timers[.join(group: "g")], h.now + 3000)
        h.advance(by: 2999)
        XCTAssertNil(h.joins[token])
        h.advance(by: 1)
        let answer = h.joins[token]!
        XCTAssertEqual(answer.error, .none)
        XCTAssertEqual(answer.generationId, 1)
        XCTAssertEqual(answer.leader, id)
        XCTAssertEqual(answer.memberId, id)
        XCTAssertEqual(answer.protocolName, "range")
        XCTAssertEqual(answer.protocolType, "consumer")
        XCTAssertEqual(answer.members.map(\.memberId), [id])
        XCTAssertEqual(h.state, .completingRebalance)
    }

    func testZeroInitialDelayCompletesOnTheNextTurn() {
        var h = GroupHarness(initialDelay: 0)
        let (_, token) = h.joinNew()
        XCTAssertEqual(h.timers[.join(group: "g")], h.now)
        h.advance(by: 0)
        XCTAssertEqual(h.joins[token]?.generationId, 1)
    }

    func testMemberJoiningDuringInitialDelayExtendsItAndBothJoinOneGeneration() {
        var h = GroupHarness(initialDelay: 3000)
        let (first, t1) = h.joinNew(client: "a")
        h.advance(by: 2000)
        let (second, t2) = h.joinNew(client: "b")
        h.advance(by: 1000)
        XCTAssertNil(h.joins[t1], "a new member extended the delay")
        XCTAssertEqual(h.timers[.join(group: "g")], h.now + 3000)
        h.advance(by: 3000)
        XCTAssertEqual(h.joins[t1]?.generationId, 1)
        XCTAssertEqual(h.joins[t2]?.generationId, 1)
        XCTAssertEqual(h.joins[t1]?.leader, first)
        XCTAssertEqual(h.joins[t1]?.members.map(\.memberId), [first, second], "the leader gets every member")
        XCTAssertEqual(h.joins[t2]?.members, [], "followers get no member list")
    }

    func testInitialDelayNeverExceedsTheRebalanceTimeout() {
        var h = GroupHarness(initialDelay: 3000)
        let (_, t1) = h.joinNew(client: "a", rebalance: 4000)
        h.advance(by: 3000)  // nobody joined during the delay: it completes at once
        XCTAssertEqual(h.joins[t1]?.generationId, 1)

        var g = GroupHarness(initialDelay: 3000)
        let (_, u1) = g.joinNew(client: "a", rebalance: 4000)
        g.advance(by: 1000)
        g.joinNew(client: "b", rebalance: 4000)
        g.advance(by: 2000)
        // Remaining was 1000 ms: one extension of min(3000, 1000).
        XCTAssertNil(g.joins[u1])
        g.joinNew(client: "c", rebalance: 4000)
        g.advance(by: 1000)
        XCTAssertEqual(g.joins[u1]?.generationId, 1, "no time left to extend again")
    }

    func testOldJoinVersionsAddTheMemberAtOnce() {
        var h = GroupHarness()
        let token = h.join(requireKnownMemberId: false)
        XCTAssertEqual(h.state, .preparingRebalance)
        h.advance(by: 0)
        XCTAssertEqual(h.joins[token]?.error, ErrorCode.none)
        XCTAssertFalse(h.joins[token]!.memberId.isEmpty)
    }

    func testInvalidGroupIdAndSessionTimeout() {
        var h = GroupHarness()
        XCTAssertEqual(h.joins[h.join(group: "")]?.error, .invalidGroupId)
        XCTAssertEqual(h.joins[h.join(session: 5999)]?.error, .invalidSessionTimeout)
        XCTAssertEqual(h.joins[h.join(session: 1_800_001)]?.error, .invalidSessionTimeout)
        XCTAssertNil(h.group, "refused joins create no group")
    }

    func testKnownMemberIdOnUnknownGroupIsUnknownMember() {
        var h = GroupHarness()
        XCTAssertEqual(h.joins[h.join(member: "ghost")]?.error, .unknownMemberId)
    }

    func testUnknownMemberIdInExistingGroupIsRejected() {
        var h = GroupHarness()
        _ = h.stableGroup(1)
        let answer = h.joins[h.join(member: "ghost")]!
        XCTAssertEqual(answer.error, .unknownMemberId)
        XCTAssertEqual(answer.memberId, "ghost")
    }

    func testInconsistentProtocols() {
        var h = GroupHarness()
        XCTAssertEqual(h.joins[h.join(type: "")]?.error, .inconsistentGroupProtocol, "empty protocol type")
        XCTAssertEqual(h.joins[h.join(protocols: [])]?.error, .inconsistentGroupProtocol, "no protocols")
        _ = h.stableGroup(1)
        XCTAssertEqual(h.joins[h.join(type: "connect")]?.error, .inconsistentGroupProtocol, "other protocol type")
        XCTAssertEqual(h.joins[h.join(protocols: GroupHarness.protocols(["sticky"]))]?.error, .inconsistentGroupProtocol,
                       "no protocol in common")
    }

    func testProtocolWithMostVotesAmongCommonOnesWins() {
        var h = GroupHarness()
        let (_, t1) = h.joinNew(client: "a", protocols: GroupHarness.protocols(["range", "roundrobin"]))
        h.joinNew(client: "b", protocols: GroupHarness.protocols(["range", "roundrobin", "sticky"]))
        h.joinNew(client: "c", protocols: GroupHarness.protocols(["roundrobin", "range"]))
        h.advance(by: 0)
        XCTAssertEqual(h.joins[t1]?.protocolName, "range")

        var g = GroupHarness()
        let (_, u1) = g.joinNew(client: "a", protocols: GroupHarness.protocols(["range", "roundrobin"]))
        g.joinNew(client: "b", protocols: GroupHarness.protocols(["roundrobin"]))
        g.advance(by: 0)
        XCTAssertEqual(g.joins[u1]?.protocolName, "roundrobin", "only protocols every member supports are candidates")
    }

    func testGroupMaxSize() {
        var h = GroupHarness { $0.maxGroupSize = 1 }
        _ = h.stableGroup(1)
        let first = h.join()
        let answer = h.joins[h.join(member: h.joins[first]!.memberId)]!
        XCTAssertEqual(answer.error, .groupMaxSizeReached)
        XCTAssertEqual(h.state, .stable, "the refused member does not disturb the group")
    }

    func testStableFollowerRejoinWithSameMetadataGetsCurrentGeneration() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let answer = h.joins[h.join(member: ids[1])]!
        XCTAssertEqual(answer.error, .none)
        XCTAssertEqual(answer.generationId, 1)
        XCTAssertEqual(answer.leader, ids[0])
        XCTAssertEqual(h.state, .stable)
    }

    func testStableLeaderRejoinTriggersRebalance() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let leaderJoin = h.join(member: ids[0])
        XCTAssertEqual(h.state, .preparingRebalance)
        XCTAssertNil(h.joins[leaderJoin])
        XCTAssertEqual(h.heartbeat(member: ids[1], generation: 1), .rebalanceInProgress)
        let followerJoin = h.join(member: ids[1])
        XCTAssertEqual(h.state, .completingRebalance, "everyone rejoined: no need to wait for the timeout")
        XCTAssertEqual(h.joins[leaderJoin]?.generationId, 2)
        XCTAssertEqual(h.joins[followerJoin]?.generationId, 2)
    }

    func testFollowerWithNewMetadataTriggersRebalance() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        h.join(member: ids[1], protocols: GroupHarness.protocols(topics: ["t", "u"]))
        XCTAssertEqual(h.state, .preparingRebalance)
    }

    func testSecondMemberJoiningDuringRebalanceIsNeverUnknown() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        // A new member asks for an id: the group stays Stable until it comes back.
        let first = h.join(client: "late")
        let newId = h.joins[first]!.memberId
        XCTAssertEqual(h.state, .stable)
        let newJoin = h.join(member: newId, client: "late")
        XCTAssertEqual(h.state, .preparingRebalance)
        // A third member arrives mid-rebalance.
        let third = h.join(client: "later")
        XCTAssertEqual(h.joins[third]?.error, .memberIdRequired)
        let thirdId = h.joins[third]!.memberId
        XCTAssertEqual(h.heartbeat(member: ids[0], generation: 1), .rebalanceInProgress)
        let oldJoin = h.join(member: ids[0])
        XCTAssertEqual(h.state, .preparingRebalance, "still waiting for the pending third member")
        let thirdJoin = h.join(member: thirdId, client: "later")
        XCTAssertEqual(h.state, .completingRebalance)
        for token in [newJoin, oldJoin, thirdJoin] {
            XCTAssertEqual(h.joins[token]?.error, ErrorCode.none)
            XCTAssertEqual(h.joins[token]?.generationId, 2)
        }
    }

    func testCompletingRebalanceRejoinWithSameMetadataResendsGeneration() {
        var h = GroupHarness()
        let (id, token) = h.joinNew()
        h.advance(by: 0)
        XCTAssertEqual(h.state, .completingRebalance)
        let again = h.joins[h.join(member: id)]!
        XCTAssertEqual(again, h.joins[token]!, "same answer as the lost one, member list included for the leader")
        XCTAssertEqual(h.state, .completingRebalance)
    }

    func testRejoinWithNewMetadataDuringCompletingRebalanceFailsParkedSyncs() {
        var h = GroupHarness()
        let (a, ta) = h.joinNew(client: "a")
        let (b, _) = h.joinNew(client: "b")
        h.advance(by: 0)
        let leader = h.joins[ta]!.leader
        let follower = leader == a ? b : a
        let parked = h.sync(member: follower, generation: 1)
        XCTAssertNil(h.syncs[parked])
        h.join(member: follower, protocols: GroupHarness.protocols(topics: ["x"]))
        XCTAssertEqual(h.state, .preparingRebalance)
        XCTAssertEqual(h.syncs[parked]?.error, .rebalanceInProgress)
        XCTAssertEqual(h.syncs[parked]?.assignment.readableBytes, 0)
    }

    func testRetriedJoinAnswersTheParkedOne() {
        var h = GroupHarness(initialDelay: 3000)
        let (id, first) = h.joinNew()
        let retry = h.join(member: id)
        XCTAssertEqual(h.joins[first]?.error, .rebalanceInProgress)
        h.advance(by: 3000)
        XCTAssertEqual(h.joins[retry]?.generationId, 1)
    }
}
