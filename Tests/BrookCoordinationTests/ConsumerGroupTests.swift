import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class ConsumerGroupTests: XCTestCase {
    private let t1 = ConsumerGroupHarness.t1

    func testFirstMemberGetsEveryPartitionAtEpochOne() {
        var h = ConsumerGroupHarness()
        let joined = h.join()
        XCTAssertEqual(joined.error, ErrorCode.none)
        XCTAssertEqual(joined.memberId, "generated-1", "a v0 member without an id gets one")
        XCTAssertEqual(joined.memberEpoch, 1)
        XCTAssertEqual(joined.assignment, [t1: Set(0..<6)])
        XCTAssertEqual(joined.heartbeatIntervalMs, 5000)
        XCTAssertEqual(h.group?.state, .stable)
        XCTAssertNotNil(h.timers[.consumerSession(group: "cg", member: "generated-1")])
        XCTAssertEqual(h.join("client-chosen-id").memberId, "client-chosen-id", "KIP-1082 clients bring their own id")
    }

    func testSecondMemberWaitsForRevocationThenPartitionsMove() {
        var h = ConsumerGroupHarness()
        let a = h.join("a")
        let b = h.join("b")
        XCTAssertEqual(b.memberEpoch, 2)
        XCTAssertEqual(b.assignment, [:], "its partitions are still owned by a")
        XCTAssertEqual(h.group?.state, .reconciling)

        // a learns it must give three up; it keeps the rest and its epoch until it confirms.
        let revoke = h.beat("a", epoch: 1, owned: a.assignment)
        XCTAssertEqual(revoke.memberEpoch, 1)
        let kept = try? XCTUnwrap(revoke.assignment?[t1])
        XCTAssertEqual(kept?.count, 3)
        XCTAssertNotNil(h.timers[.consumerRebalance(group: "cg", member: "a")])
        // Still owning them: nothing moves.
        XCTAssertEqual(h.beat("a", epoch: 1, owned: a.assignment).memberEpoch, 1)
        XCTAssertEqual(h.beat("b", epoch: 2, owned: [:]).assignment, nil, "nothing new for b yet")

        let confirmed = h.beat("a", epoch: 1, owned: revoke.assignment)
        XCTAssertEqual(confirmed.memberEpoch, 2)
        XCTAssertNil(h.timers[.consumerRebalance(group: "cg", member: "a")])
        let given = h.beat("b", epoch: 2, owned: [:])
        XCTAssertEqual(given.assignment?[t1], Set(0..<6).subtracting(kept ?? []))
        XCTAssertEqual(h.group?.state, .stable)
    }

    func testEpochChecks() {
        var h = ConsumerGroupHarness()
        let a = h.join("a")
        XCTAssertEqual(h.beat("a", epoch: 5, owned: nil).error, .fencedMemberEpoch)
        XCTAssertEqual(h.beat("ghost", epoch: 1, owned: nil).error, .unknownMemberId)
        _ = h.join("b")
        let revoke = h.beat("a", epoch: 1, owned: a.assignment)
        _ = h.beat("a", epoch: 1, owned: revoke.assignment)  // now at epoch 2, previous 1
        XCTAssertEqual(h.beat("a", epoch: 1, owned: revoke.assignment).error, ErrorCode.none,
                       "the previous epoch with a subset is accepted (the new epoch may have been lost)")
        XCTAssertEqual(h.beat("a", epoch: 1, owned: a.assignment).error, .fencedMemberEpoch, "not a subset")
        let rejoin = h.join("a")
        XCTAssertEqual(rejoin.error, ErrorCode.none, "joining again with the same id starts over")
        XCTAssertEqual(rejoin.assignment?[t1]?.count, 3, "its old incarnation's partitions were freed")
        XCTAssertEqual(rejoin.assignment?[t1]?.isDisjoint(with: h.group?.targetAssignment["b"]?[t1] ?? []), true)
    }

    func testUnknownGroupAnswersUnknownMemberSoTheClientRejoins() {
        var h = ConsumerGroupHarness()
        XCTAssertEqual(h.beat("m", epoch: 3, owned: [:]).error, .unknownMemberId)
    }

    func testLeavingHandsPartitionsToTheOthers() {
        var h = ConsumerGroupHarness()
        var members = ["a": h.join("a"), "b": h.join("b")]
        h.settle(&members)
        let left = h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: "b", memberEpoch: -1, newMemberId: ""))
        XCTAssertEqual(left.memberEpoch, -1)
        XCTAssertNil(h.group?.members["b"])
        let a = h.beat("a", epoch: members["a"]!.memberEpoch, owned: members["a"]!.assignment)
        XCTAssertEqual(a.assignment, [t1: Set(0..<6)])
        XCTAssertEqual(a.memberEpoch, 3)
    }

    func testSessionTimeoutFencesASilentMember() {
        var h = ConsumerGroupHarness()
        var members = ["a": h.join("a"), "b": h.join("b")]
        h.settle(&members)
        for _ in 0..<10 {
            h.advance(by: 5000)
            _ = h.beat("a", epoch: members["a"]!.memberEpoch, owned: members["a"]!.assignment)
        }
        XCTAssertNil(h.group?.members["b"], "b stopped heartbeating 50 s ago")
        XCTAssertEqual(h.group?.members["a"]?.assignedPartitions, [t1: Set(0..<6)])
        XCTAssertEqual(h.beat("b", epoch: members["b"]!.memberEpoch, owned: nil).error, .unknownMemberId)
    }

    func testMemberThatNeverRevokesIsFencedAfterItsRebalanceTimeout() {
        var h = ConsumerGroupHarness()
        let a = h.join("a", rebalanceTimeout: 10_000)
        _ = h.join("b")
        _ = h.beat("a", epoch: 1, owned: a.assignment)  // told to revoke
        h.advance(by: 5000)
        _ = h.beat("b", epoch: 2, owned: [:])
        _ = h.beat("a", epoch: 1, owned: a.assignment)  // still holding on
        h.advance(by: 5000)
        XCTAssertNil(h.group?.members["a"])
        XCTAssertEqual(h.beat("b", epoch: 2, owned: [:]).assignment, [t1: Set(0..<6)])
    }

    func testInvalidRequests() {
        var h = ConsumerGroupHarness()
        func join(_ change: (inout ConsumerGroupHeartbeatInput) -> Void) -> ConsumerGroupHeartbeatResult {
            var input = ConsumerGroupHeartbeatInput(groupId: "cg", memberId: "", memberEpoch: 0, rebalanceTimeoutMs: 1000,
                                                    subscribedTopicNames: ["t1"], ownedTopicPartitions: [:], newMemberId: "x")
            change(&input)
            return h.heartbeat(input)
        }
        XCTAssertEqual(join { $0.groupId = "" }.error, .invalidRequest)
        XCTAssertEqual(join { $0.rebalanceTimeoutMs = -1 }.error, .invalidRequest)
        XCTAssertEqual(join { $0.subscribedTopicNames = [] }.error, .invalidRequest)
        XCTAssertEqual(join { $0.ownedTopicPartitions = nil }.error, .invalidRequest)
        XCTAssertEqual(join { $0.ownedTopicPartitions = [self.t1: [0]] }.error, .invalidRequest)
        XCTAssertEqual(join { $0.memberEpoch = -3 }.error, .invalidRequest)
        XCTAssertEqual(join { $0.instanceId = "" }.error, .invalidRequest)
        XCTAssertEqual(join { $0.memberEpoch = 4 }.error, .invalidRequest, "member id required")
        XCTAssertEqual(join { $0.serverAssignor = "sticky" }.error, .unsupportedAssignor)
        XCTAssertEqual(join { $0.subscribedTopicRegex = "(" }.error, .invalidRegularExpression)
        XCTAssertNil(h.group)
    }

    func testRegexSubscription() {
        var h = ConsumerGroupHarness()
        let joined = h.join("r", topics: [], regex: "t.*")
        XCTAssertEqual(joined.assignment, [t1: Set(0..<6), ConsumerGroupHarness.t2: [0, 1]])
        XCTAssertTrue(h.group!.isSubscribed(to: "t2"))
        XCTAssertFalse(h.group!.isSubscribed(to: "other"))
        XCTAssertEqual(h.join("s", topics: [], regex: "t").assignment, [:], "the pattern must match the whole name")
    }

    func testNewPartitionsBumpTheEpochAndGetAssigned() {
        var h = ConsumerGroupHarness()
        let a = h.join("a")
        h.topics = TopicsImage([TopicImage(id: t1, name: "t1", partitions: 8)])
        let grown = h.beat("a", epoch: 1, owned: a.assignment)
        XCTAssertEqual(grown.memberEpoch, 2)
        XCTAssertEqual(grown.assignment, [t1: Set(0..<8)])
    }

    func testStaticMemberLeavesTemporarilyAndComesBackWithoutRebalance() {
        var h = ConsumerGroupHarness()
        var members = ["a": h.join("a", instance: "ia"), "b": h.join("b", instance: "ib")]
        h.settle(&members)
        let epoch = h.group!.groupEpoch
        let away = h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: "a", memberEpoch: -2, instanceId: "ia", newMemberId: ""))
        XCTAssertEqual(away.memberEpoch, -2)
        XCTAssertEqual(h.join("a2", instance: "ib").error, .unreleasedInstanceId, "ib is still active")
        let back = h.join("a2", instance: "ia")
        XCTAssertEqual(back.error, ErrorCode.none)
        XCTAssertEqual(back.assignment, members["a"]!.assignment, "the same partitions")
        XCTAssertEqual(h.group!.groupEpoch, epoch, "no rebalance")
        XCTAssertNil(h.group?.members["a"])
        XCTAssertEqual(h.beat("a", epoch: members["a"]!.memberEpoch, owned: nil, instance: "ia").error, .fencedInstanceId)
    }

    func testClassicGroupsAndConsumerGroupsShareTheNamespace() {
        var h = ConsumerGroupHarness()
        // Offsets committed by an admin tool make a simple classic group; a consumer-protocol member converts it.
        let commit = OffsetCommitInput(groupId: "cg", partitions: [.init(topic: "t1", partition: 0, offset: 9)])
        h.apply(h.shard.commitOffsets(commit, now: h.now).1)
        XCTAssertNotNil(h.shard.group("cg"))
        XCTAssertEqual(h.join("a").error, ErrorCode.none)
        XCTAssertNil(h.shard.group("cg"))
        XCTAssertEqual(h.shard.committedOffsets(of: "cg")[.init(topic: "t1", partition: 0)]?.offset, 9)
        XCTAssertEqual(h.shard.listGroups(statesFilter: [], typesFilter: ["consumer"]).map(\.groupId), ["cg"])
        XCTAssertEqual(h.shard.describeGroup("cg").state, "Dead", "DescribeGroups only knows classic groups")
        XCTAssertEqual(try h.shard.describeConsumerGroup("cg").get().members.map(\.memberId), ["a"])
        XCTAssertEqual(h.shard.deleteGroups(["cg"], now: h.now).0.first?.error, .nonEmptyGroup)
    }

    func testOffsetCommitAndFetchCheckTheMemberEpoch() {
        var h = ConsumerGroupHarness()
        let a = h.join("a")
        func commit(member: String, epoch: Int32, version: Int16 = 9) -> ErrorCode {
            let input = OffsetCommitInput(groupId: "cg", generationIdOrMemberEpoch: epoch, memberId: member, apiVersion: version,
                                          partitions: [.init(topic: "t1", partition: 0, offset: 3)])
            return h.shard.commitOffsets(input, now: h.now).0[0]
        }
        XCTAssertEqual(commit(member: "a", epoch: a.memberEpoch), ErrorCode.none)
        XCTAssertEqual(commit(member: "a", epoch: a.memberEpoch - 1), .staleMemberEpoch)
        XCTAssertEqual(commit(member: "x", epoch: 1), .unknownMemberId)
        XCTAssertEqual(commit(member: "a", epoch: a.memberEpoch, version: 8), .unsupportedVersion)
        XCTAssertEqual(commit(member: "", epoch: -1), .unknownMemberId, "admin commits need an empty group")
        XCTAssertEqual(h.shard.fetchOffsets(groupId: "cg", memberId: "a", memberEpoch: 0, topics: nil).0, .staleMemberEpoch)
        XCTAssertEqual(h.shard.fetchOffsets(groupId: "cg", memberId: "a", memberEpoch: a.memberEpoch, topics: nil).1.first?.partitions.first?.offset?.offset, 3)
        XCTAssertEqual(h.shard.fetchOffsets(groupId: "cg", memberId: nil, memberEpoch: -1, topics: nil).0, ErrorCode.none)
    }

    func testClassicJoinIsRefusedWhileConsumerMembersExist() {
        var h = ConsumerGroupHarness()
        _ = h.join("a")
        let effects = h.shard.join(JoinGroupInput(groupId: "cg", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
                                                  protocolType: "consumer", protocols: [GroupProtocol(name: "range", metadata: ByteBuffer())],
                                                  newMemberIdSuffix: "x"), token: RequestToken(1), now: h.now)
        guard case .respondJoin(_, let result)? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(result.error, .inconsistentGroupProtocol)
    }
}

extension ConsumerGroupTests {
    func testRefusedClassicJoinKeepsTheOffsetsOfAnEmptyConsumerGroup() {
        var h = ConsumerGroupHarness()
        let a = h.join("a")
        let commit = OffsetCommitInput(groupId: "cg", generationIdOrMemberEpoch: a.memberEpoch, memberId: "a",
                                       partitions: [.init(topic: "t1", partition: 0, offset: 4)])
        h.apply(h.shard.commitOffsets(commit, now: h.now).1)
        _ = h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: "a", memberEpoch: -1, newMemberId: ""))
        // A classic member with an unusable protocol list: refused, but the group's offsets must stay reachable.
        _ = h.shard.join(JoinGroupInput(groupId: "cg", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: "consumer",
                                        protocols: [], newMemberIdSuffix: "x"), token: RequestToken(1), now: h.now)
        XCTAssertEqual(h.shard.fetchOffsets(groupId: "cg", topics: [("t1", [0])]).first?.partitions.first?.offset?.offset, 4)
    }
}
