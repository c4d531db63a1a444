import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class GroupReplayTests: XCTestCase {
    func testReplayingWrittenRecordsRebuildsGroupsAndOffsets() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let input = OffsetCommitInput(groupId: "g", generationIdOrMemberEpoch: 1, memberId: ids[0],
                                      partitions: [.init(topic: "t", partition: 0, offset: 10, leaderEpoch: 3, metadata: "m")])
        h.apply(h.shard.commitOffsets(input, now: h.now).1)
        h.apply(h.shard.commitOffsets(OffsetCommitInput(groupId: "gone", partitions: [.init(topic: "t", partition: 0, offset: 1)]), now: h.now).1)
        h.apply(h.shard.deleteGroups(["gone"], now: h.now).1)

        var restored = GroupHarness()
        for record in h.appended {
            // Through the byte layout, as start-up reads them.
            let decoded = try! OffsetsTopicRecord.decode(key: record.encodeKey(), value: record.encodeValue())!
            restored.shard.replay(decoded, now: restored.now)
        }
        restored.apply(restored.shard.loadCompleted(now: restored.now))
        let group = restored.group!
        XCTAssertEqual(group.state, .stable)
        XCTAssertEqual(group.generationId, 1)
        XCTAssertEqual(group.leaderId, ids[0])
        XCTAssertEqual(group.protocolName, "range")
        XCTAssertEqual(group.allMembers.map(\.memberId), ids)
        XCTAssertEqual(group.member(ids[1])?.assignment, ByteBuffer(string: "assignment-\(ids[1])"))
        XCTAssertEqual(group.subscribedTopics, ["t"])
        XCTAssertEqual(restored.shard.committedOffsets(of: "g")[.init(topic: "t", partition: 0)]?.metadata, "m")
        XCTAssertEqual(restored.shard.committedOffsets(of: "g")[.init(topic: "t", partition: 0)]?.leaderEpoch, 3)
        XCTAssertNil(restored.shard.group("gone"))
        XCTAssertTrue(restored.shard.committedOffsets(of: "gone").isEmpty)

        // Loaded members carry on without a rebalance, and expire if they do not come back.
        XCTAssertEqual(restored.heartbeat(member: ids[1], generation: 1), ErrorCode.none)
        XCTAssertEqual(restored.syncs[restored.sync(member: ids[1], generation: 1)]?.assignment,
                       ByteBuffer(string: "assignment-\(ids[1])"))
        restored.advance(by: 5000)
        XCTAssertEqual(restored.heartbeat(member: ids[1], generation: 1), ErrorCode.none)
        restored.advance(by: 5000)
        XCTAssertNil(restored.group?.member(ids[0]), "the silent member expired")
        XCTAssertEqual(restored.state, .preparingRebalance)
    }
}
