import BrookCoordination
import BrookProtocol
import XCTest

final class OffsetCommitTests: XCTestCase {
    private func commit(_ h: inout GroupHarness, group: String = "g", generation: Int32 = -1, member: String = "",
                        version: Int16 = 9, retention: Int64 = -1, metadata: String? = "meta", epoch: Int32 = 5,
                        partitions: [Int32] = [0]) -> [ErrorCode] {
        let input = OffsetCommitInput(groupId: group, generationIdOrMemberEpoch: generation, memberId: member,
                                      retentionTimeMs: retention, apiVersion: version,
                                      partitions: partitions.map { .init(topic: "t", partition: $0, offset: 42, leaderEpoch: epoch, metadata: metadata) })
        let (errors, effects) = h.shard.commitOffsets(input, now: h.now)
        h.apply(effects)
        return errors
    }

    func testSimpleCommitCreatesGroupAndRoundTripsMetadataAndEpoch() {
        var h = GroupHarness()
        XCTAssertEqual(commit(&h, partitions: [0, 1]), [ErrorCode.none, .none])
        XCTAssertEqual(h.state, .empty)
        XCTAssertNil(h.group?.protocolType)
        let fetched = h.shard.fetchOffsets(groupId: "g", topics: [("t", [0, 1, 2])])
        XCTAssertEqual(fetched.first?.partitions.map(\.offset?.offset), [42, 42, nil])
        XCTAssertEqual(fetched.first?.partitions.first?.offset?.metadata, "meta")
        XCTAssertEqual(fetched.first?.partitions.first?.offset?.leaderEpoch, 5)
        XCTAssertEqual(h.appended.count, 2, "one record per partition")
        let all = h.shard.fetchOffsets(groupId: "g", topics: nil)
        XCTAssertEqual(all.map(\.topic), ["t"])
        XCTAssertEqual(all.first?.partitions.map(\.partition), [0, 1])
    }

    func testNullMetadataIsStoredAsEmpty() {
        var h = GroupHarness()
        _ = commit(&h, metadata: nil)
        XCTAssertEqual(h.shard.committedOffsets(of: "g").values.first?.metadata, "")
    }

    func testUnknownGroupWithGeneration() {
        var h = GroupHarness()
        XCTAssertEqual(commit(&h, generation: 3, member: "m", version: 8), [.illegalGeneration])
        XCTAssertEqual(commit(&h, generation: 3, member: "m", version: 9), [.groupIdNotFound])
        XCTAssertNil(h.group)
    }

    func testMemberCommitsAreValidatedAgainstTheGroup() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        XCTAssertEqual(commit(&h, generation: 1, member: ids[1]), [ErrorCode.none])
        XCTAssertEqual(commit(&h, generation: 0, member: ids[1]), [.illegalGeneration])
        XCTAssertEqual(commit(&h, generation: 1, member: "ghost"), [.unknownMemberId])
        XCTAssertEqual(commit(&h, generation: -1, member: ""), [.unknownMemberId], "admin commits need an empty group")
        h.join(member: ids[0])
        XCTAssertEqual(commit(&h, generation: 1, member: ids[1]), [ErrorCode.none], "PreparingRebalance still accepts")
        h.join(member: ids[1])
        XCTAssertEqual(h.state, .completingRebalance)
        XCTAssertEqual(commit(&h, generation: 2, member: ids[1]), [.rebalanceInProgress])
    }

    func testCommitKeepsTheSessionAlive() {
        var h = GroupHarness()
        let ids = h.stableGroup(1)
        for _ in 0..<5 {
            h.advance(by: 9000)
            XCTAssertEqual(commit(&h, generation: 1, member: ids[0]), [ErrorCode.none])
        }
        XCTAssertEqual(h.state, .stable)
    }

    func testOversizedMetadataIsRejectedPerPartition() {
        var h = GroupHarness { $0.offsetMetadataMaxBytes = 10 }
        let input = OffsetCommitInput(groupId: "g", partitions: [
            .init(topic: "t", partition: 0, offset: 1, metadata: String(repeating: "x", count: 11)),
            .init(topic: "t", partition: 1, offset: 1, metadata: String(repeating: "x", count: 10)),
        ])
        let (errors, _) = h.shard.commitOffsets(input, now: h.now)
        XCTAssertEqual(errors, [.offsetMetadataTooLarge, .none])
        XCTAssertEqual(h.shard.committedOffsets(of: "g").keys.map(\.partition), [1])
    }

    func testEmptyGroupOffsetsExpireAfterRetentionThenTheGroupGoes() {
        var h = GroupHarness { $0.offsetsRetentionMs = 60_000; $0.offsetsRetentionCheckIntervalMs = 10_000 }
        h.apply(h.shard.loadCompleted(now: h.now))
        let ids = h.stableGroup(1)
        XCTAssertEqual(commit(&h, generation: 1, member: ids[0]), [ErrorCode.none])
        for _ in 0..<12 {
            h.advance(by: 9000)
            XCTAssertEqual(h.heartbeat(member: ids[0], generation: 1), ErrorCode.none)
        }
        XCTAssertFalse(h.shard.committedOffsets(of: "g").isEmpty, "the member still consumes t")
        _ = h.leave([LeavingMember(memberId: ids[0])])
        h.appended.removeAll()
        h.advance(by: 50_000)
        XCTAssertFalse(h.shard.committedOffsets(of: "g").isEmpty)
        h.advance(by: 20_000)
        XCTAssertTrue(h.shard.committedOffsets(of: "g").isEmpty)
        XCTAssertNil(h.group)
        XCTAssertEqual(h.appended, [.offsetCommit(group: "g", .init(topic: "t", partition: 0), nil), .groupMetadata(group: "g", nil)])
    }

    func testSimpleGroupOffsetsExpireByCommitTime() {
        var h = GroupHarness { $0.offsetsRetentionMs = 60_000; $0.offsetsRetentionCheckIntervalMs = 10_000 }
        h.apply(h.shard.loadCompleted(now: h.now))
        _ = commit(&h, partitions: [0])
        h.advance(by: 30_000)
        _ = commit(&h, partitions: [1])
        h.advance(by: 40_000)
        XCTAssertEqual(h.shard.committedOffsets(of: "g").keys.map(\.partition), [1])
        h.advance(by: 30_000)
        XCTAssertNil(h.group)
    }

    func testExplicitRetentionTimeSetsAnExpiry() {
        var h = GroupHarness { $0.offsetsRetentionCheckIntervalMs = 1000 }
        h.apply(h.shard.loadCompleted(now: h.now))
        _ = commit(&h, version: 2, retention: 5000)
        XCTAssertEqual(h.shard.committedOffsets(of: "g").values.first?.expireTimestamp, h.now + 5000)
        h.advance(by: 5000)
        XCTAssertTrue(h.shard.committedOffsets(of: "g").isEmpty)
    }

    func testDeleteOffsets() {
        var h = GroupHarness()
        let (missing, _, _) = h.shard.deleteOffsets(groupId: "nope", topics: [("t", [0])], now: h.now)
        XCTAssertEqual(missing, .groupIdNotFound)
        let ids = h.stableGroup(1)
        _ = commit(&h, generation: 1, member: ids[0])
        let other = OffsetCommitInput(groupId: "g", generationIdOrMemberEpoch: 1, memberId: ids[0],
                                      partitions: [.init(topic: "u", partition: 0, offset: 7)])
        h.apply(h.shard.commitOffsets(other, now: h.now).1)
        h.appended.removeAll()
        let (error, results, effects) = h.shard.deleteOffsets(groupId: "g", topics: [("t", [0]), ("u", [0, 1])], now: h.now)
        h.apply(effects)
        XCTAssertEqual(error, ErrorCode.none)
        XCTAssertEqual(results.map(\.topic), ["t", "u"])
        XCTAssertEqual(results[0].errors.map(\.error), [.groupSubscribedToTopic])
        XCTAssertEqual(results[1].errors.map(\.error), [ErrorCode.none, .none])
        XCTAssertEqual(h.appended, [.offsetCommit(group: "g", .init(topic: "u", partition: 0), nil)])
        XCTAssertEqual(h.shard.committedOffsets(of: "g").keys.map(\.topic), ["t"])
    }

    func testDeleteOffsetsOfNonConsumerGroupWithMembersIsRefused() {
        var h = GroupHarness()
        let t = h.join(type: "connect", requireKnownMemberId: false)
        h.advance(by: 0)
        XCTAssertNotNil(h.joins[t])
        XCTAssertEqual(h.shard.deleteOffsets(groupId: "g", topics: [("t", [0])], now: h.now).0, .nonEmptyGroup)
    }
}
