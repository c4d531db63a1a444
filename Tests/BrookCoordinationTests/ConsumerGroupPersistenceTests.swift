import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// KIP-848 membership written to `__consumer_offsets` and read back by a new coordinator, through
/// the byte layouts start-up reads.
final class ConsumerGroupPersistenceTests: XCTestCase {
    /// A new coordinator that replayed everything `h` wrote, with its clock where `h` stopped.
    private func restarted(_ h: ConsumerGroupHarness) throws -> ConsumerGroupHarness {
        var restored = ConsumerGroupHarness()
        restored.now = h.now
        restored.topics = h.topics
        for record in h.appended {
            let decoded = try XCTUnwrap(try OffsetsTopicRecord.decode(key: record.encodeKey(), value: record.encodeValue()))
            XCTAssertEqual(decoded, record)
            restored.shard.replay(decoded, now: restored.now)
        }
        restored.apply(restored.shard.loadCompleted(now: restored.now))
        return restored
    }

    private func stableGroup(_ h: inout ConsumerGroupHarness) -> [String: ConsumerGroupHeartbeatResult] {
        var members: [String: ConsumerGroupHeartbeatResult] = [:]
        for _ in 0..<3 {
            let joined = h.join(topics: ["t1", "t2"])
            members[joined.memberId ?? ""] = joined
            h.settle(&members)
        }
        return members
    }

    func testRestartRestoresMembersEpochsAndAssignments() throws {
        var h = ConsumerGroupHarness()
        let members = stableGroup(&h)
        let before = try XCTUnwrap(h.group)
        XCTAssertEqual(before.state, .stable)

        var r = try restarted(h)
        let after = try XCTUnwrap(r.group)
        XCTAssertEqual(after.groupEpoch, before.groupEpoch)
        XCTAssertEqual(after.assignmentEpoch, before.assignmentEpoch)
        XCTAssertEqual(after.members.mapValues(MemberSummary.init), before.members.mapValues(MemberSummary.init))
        XCTAssertEqual(after.targetAssignment.mapValues(\.normalizedForTest), before.targetAssignment.mapValues(\.normalizedForTest))
        XCTAssertEqual(after.state, .stable)

        // Every member heartbeats with the epoch it had before the restart and keeps its partitions:
        // no new group epoch, nothing written beyond what changed (nothing).
        let written = r.appended.count
        for (id, last) in members.sorted(by: { $0.key < $1.key }) {
            let answer = r.beat(id, epoch: last.memberEpoch, owned: last.assignment)
            XCTAssertEqual(answer.error, .none, id)
            XCTAssertEqual(answer.memberEpoch, last.memberEpoch, id)
            XCTAssertEqual(r.group?.members[id]?.assignedPartitions.normalizedForTest, last.assignment?.normalizedForTest, id)
        }
        XCTAssertEqual(r.group?.groupEpoch, before.groupEpoch)
        XCTAssertEqual(r.appended.count, written)
    }

    func testLoadedMembersThatDoNotComeBackExpire() throws {
        var h = ConsumerGroupHarness()
        let members = stableGroup(&h)
        var r = try restarted(h)
        let (stay, last) = try XCTUnwrap(members.min { $0.key < $1.key })
        // Only one member heartbeats: the others' sessions, restarted at load, run out.
        for _ in 0..<5 {
            r.advance(by: 20_000)
            _ = r.beat(stay, epoch: r.group?.members[stay]?.memberEpoch ?? last.memberEpoch,
                       owned: r.group?.members[stay]?.assignedPartitions)
        }
        XCTAssertEqual(Set(try XCTUnwrap(r.group).members.keys), [stay])
        XCTAssertGreaterThan(try XCTUnwrap(r.group).groupEpoch, try XCTUnwrap(h.group).groupEpoch)
    }

    func testLeavingMembersAndDeletedGroupsAreTombstoned() throws {
        var h = ConsumerGroupHarness()
        var members = stableGroup(&h)
        let leaving = try XCTUnwrap(members.keys.sorted().first)
        let left = h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: leaving, memberEpoch: -1, newMemberId: "x"))
        XCTAssertEqual(left.error, .none)
        members.removeValue(forKey: leaving)
        h.settle(&members)
        let r = try restarted(h)
        XCTAssertEqual(r.group?.members.mapValues(MemberSummary.init), h.group?.members.mapValues(MemberSummary.init))
        XCTAssertNil(r.group?.members[leaving])
        XCTAssertNil(r.group?.targetAssignment[leaving])

        for id in members.keys {
            XCTAssertEqual(h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: id, memberEpoch: -1,
                                                                   newMemberId: "x")).error, .none)
        }
        let (results, effects) = h.shard.deleteGroups(["cg"], now: h.now)
        XCTAssertEqual(results.map(\.error), [.none])
        h.apply(effects)
        let gone = try restarted(h)
        XCTAssertNil(gone.group)
        XCTAssertNil(gone.shard.group("cg"))
    }

    func testAnEmptiedConsumerGroupTakenOverByAClassicMemberStaysClassicAfterARestart() throws {
        var h = ConsumerGroupHarness()
        let joined = h.join()
        let id = try XCTUnwrap(joined.memberId)
        XCTAssertEqual(h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: id, memberEpoch: -1,
                                                               newMemberId: "x")).error, .none)
        let join = JoinGroupInput(groupId: "cg", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
                                  protocolType: "consumer", protocols: [GroupProtocol(name: "range", metadata: ByteBuffer())],
                                  requireKnownMemberId: false, newMemberIdSuffix: "c")
        h.apply(h.shard.join(join, token: RequestToken(1), now: h.now).filter {
            if case .respondJoin = $0 { return false } else { return true }
        })
        XCTAssertNil(h.group)
        XCTAssertNotNil(h.shard.group("cg"))
        let r = try restarted(h)
        XCTAssertNil(r.group, "the consumer group's records were tombstoned")
    }

    func testStaticMemberAwayAcrossARestartComesBackWithItsAssignment() throws {
        var h = ConsumerGroupHarness()
        var members: [String: ConsumerGroupHeartbeatResult] = [:]
        let joined = h.join(topics: ["t1"], instance: "i-1")
        let id = try XCTUnwrap(joined.memberId)
        members[id] = joined
        h.settle(&members)
        let assigned = try XCTUnwrap(h.group?.members[id]?.assignedPartitions)
        XCTAssertEqual(h.heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: id, memberEpoch: -2,
                                                               instanceId: "i-1", newMemberId: "x")).error, .none)
        var r = try restarted(h)
        let back = r.heartbeat(ConsumerGroupHeartbeatInput(
            groupId: "cg", memberId: "", memberEpoch: 0, instanceId: "i-1", rebalanceTimeoutMs: 30_000,
            subscribedTopicNames: ["t1"], ownedTopicPartitions: [:], newMemberId: "returning"))
        XCTAssertEqual(back.error, .none)
        XCTAssertEqual(back.assignment?.normalizedForTest, assigned.normalizedForTest)
        XCTAssertEqual(r.group?.groupEpoch, h.group?.groupEpoch, "no rebalance")
    }

    func testRecordLayoutsAndBadBytes() throws {
        let t = KafkaUUID(high: 1, low: 2)
        let record = OffsetsTopicRecord.consumerCurrentAssignment(group: "g", member: "m", ConsumerMemberAssignmentValue(
            memberEpoch: 7, previousMemberEpoch: 6, state: .unrevokedPartitions, assignedPartitions: [t: [1, 0]],
            pendingRevocation: [:]))
        XCTAssertEqual(Array(record.encodeKey().readableBytesView), [0, 8, 0, 1, 0x67, 0, 1, 0x6D])
        let value = try XCTUnwrap(record.encodeValue())
        var expected: [UInt8] = [0, 0, 0, 0, 0, 7, 0, 0, 0, 6, 1]
        expected += [2] + [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2] + [3, 0, 0, 0, 0, 0, 0, 0, 1, 0]
        expected += [1, 0]  // no pending revocation, no tags
        XCTAssertEqual(Array(value.readableBytesView), expected)

        let all: [OffsetsTopicRecord] = [
            record,
            .consumerGroupEpoch(group: "g", .max - 1), .consumerTargetAssignmentEpoch(group: "g", 0),
            .consumerSubscriptionMetadata(group: "g", [TopicImage(id: t, name: "t", partitions: .max)]),
            .consumerMemberMetadata(group: "g", member: "m", ConsumerMemberMetadataValue(
                instanceId: nil, rackId: "r", clientId: "c", clientHost: "/h", subscribedTopicNames: ["a", "b"],
                subscribedTopicRegex: "x.*", rebalanceTimeoutMs: -1, serverAssignor: nil)),
            .consumerTargetAssignment(group: "g", member: "m", [t: [Int32.max, Int32.min]]),
        ]
        for record in all {
            let key = record.encodeKey()
            let value = try XCTUnwrap(record.encodeValue())
            XCTAssertEqual(try OffsetsTopicRecord.decode(key: key, value: value), record)
            XCTAssertEqual(try OffsetsTopicRecord.decode(key: key, value: nil)?.isTombstone, true)
            for length in 2..<value.readableBytes {
                XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: key, value: value.getSlice(at: 0, length: length)!),
                                     "\(record) cut at \(length)")
            }
            var huge = value
            huge.setInteger(UInt8(0xFF), at: huge.readableBytes - 1)  // a tagged-field count with no end
            XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: key, value: huge))
            var future = value
            if case .consumerGroupEpoch = record {
                // An epoch that cannot be bumped (or a negative one) is corrupt: refused, not trapped on later.
                for bad in [Int32.max, -1, .min] {
                    let corrupt = OffsetsTopicRecord.consumerGroupEpoch(group: "g", bad)
                    XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: key, value: corrupt.encodeValue()), "\(bad)")
                }
            }
            future.setInteger(Int16(1), at: 0)
            XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: key, value: future))
        }
    }
}

/// What a member's persisted records say about it (assignments without empty topics).
private struct MemberSummary: Equatable {
    var text: String
    init(_ m: ConsumerGroupMember) {
        text = "\(m.instanceId ?? "-") \(m.clientId) \(m.subscribedTopicNames) \(m.subscribedTopicRegex ?? "-") "
            + "\(m.rebalanceTimeoutMs) \(m.serverAssignor ?? "-") \(m.memberEpoch) \(m.previousMemberEpoch) \(m.state) "
            + "\(m.assignedPartitions.normalizedForTest.sortedForTest) \(m.pendingRevocation.normalizedForTest.sortedForTest)"
    }
}

private extension Dictionary where Key == KafkaUUID, Value == Set<Int32> {
    var normalizedForTest: [KafkaUUID: Set<Int32>] { filter { !$0.value.isEmpty } }
    var sortedForTest: [String] { map { "\($0.key)=\($0.value.sorted())" }.sorted() }
}
