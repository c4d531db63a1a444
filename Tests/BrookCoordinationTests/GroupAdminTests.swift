import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class GroupAdminTests: XCTestCase {
    func testDescribeStableGroupShowsMetadataAndAssignments() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        let described = h.shard.describeGroup("g")
        XCTAssertEqual(described.state, "Stable")
        XCTAssertEqual(described.protocolType, "consumer")
        XCTAssertEqual(described.protocolData, "range")
        XCTAssertEqual(described.members.map(\.memberId), ids.sorted { a, b in ids.firstIndex(of: a)! < ids.firstIndex(of: b)! })
        XCTAssertEqual(described.members.first { $0.memberId == ids[1] }?.assignment, ByteBuffer(string: "assignment-\(ids[1])"))
        XCTAssertEqual(described.members.first?.clientHost, "/127.0.0.1")
        XCTAssertEqual(described.members.first?.metadata, GroupHarness.consumerMetadata(["t"]))
    }

    func testDescribeRebalancingGroupHidesProtocolAndUnknownGroupIsDead() {
        var h = GroupHarness()
        let ids = h.stableGroup(2)
        h.join(member: ids[0], protocols: GroupHarness.protocols(topics: ["u"]))
        let described = h.shard.describeGroup("g")
        XCTAssertEqual(described.state, "PreparingRebalance")
        XCTAssertEqual(described.protocolData, "")
        XCTAssertEqual(described.members.first?.metadata.readableBytes, 0)
        XCTAssertEqual(h.shard.describeGroup("nope").state, "Dead")
    }

    func testListGroupsFilters() {
        var h = GroupHarness()
        _ = h.stableGroup(1)
        h.apply(h.shard.commitOffsets(OffsetCommitInput(groupId: "simple", partitions: [.init(topic: "t", partition: 0, offset: 1)]), now: h.now).1)
        XCTAssertEqual(h.shard.listGroups(statesFilter: [], typesFilter: []).map(\.groupId), ["g", "simple"])
        XCTAssertEqual(h.shard.listGroups(statesFilter: ["stable"], typesFilter: []).map(\.groupId), ["g"])
        XCTAssertEqual(h.shard.listGroups(statesFilter: [" Empty "], typesFilter: []).map(\.groupId), ["simple"])
        XCTAssertEqual(h.shard.listGroups(statesFilter: [], typesFilter: ["consumer"]).map(\.groupId), [])
        XCTAssertEqual(h.shard.listGroups(statesFilter: [], typesFilter: ["Classic"]).count, 2)
        let simple = h.shard.listGroups(statesFilter: ["empty"], typesFilter: []).first
        XCTAssertEqual(simple?.protocolType, "")
        XCTAssertEqual(simple?.type, "classic")
    }

    func testDeleteGroups() {
        var h = GroupHarness()
        _ = h.stableGroup(1)
        h.apply(h.shard.commitOffsets(OffsetCommitInput(groupId: "simple", partitions: [.init(topic: "t", partition: 0, offset: 1)]), now: h.now).1)
        h.appended.removeAll()
        let (results, effects) = h.shard.deleteGroups(["g", "simple", "nope"], now: h.now)
        h.apply(effects)
        XCTAssertEqual(results.map(\.error), [.nonEmptyGroup, .none, .groupIdNotFound])
        XCTAssertEqual(h.appended, [.offsetCommit(group: "simple", .init(topic: "t", partition: 0), nil), .groupMetadata(group: "simple", nil)])
        XCTAssertNil(h.shard.group("simple"))
        XCTAssertEqual(h.shard.fetchOffsets(groupId: "simple", topics: [("t", [0])]).first?.partitions.first?.offset, nil)
    }

    func testUnloadAnswersEveryParkedRequest() {
        var h = GroupHarness(initialDelay: 3000)
        let (_, parked) = h.joinNew()
        h.apply(h.shard.unload())
        XCTAssertEqual(h.joins[parked]?.error, .notCoordinator)
        XCTAssertNil(h.group)
    }
}
