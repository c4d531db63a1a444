import BrookClient
import XCTest

final class AssignorTests: XCTestCase {
    private func member(_ id: String, _ topics: [String], owned: [TopicPartition] = [], generation: Int32 = -1) -> GroupMemberSubscription {
        GroupMemberSubscription(memberId: id, subscription: ConsumerSubscription(topics: topics, ownedPartitions: owned, generationId: generation))
    }

    private func tps(_ topic: String, _ partitions: [Int32]) -> [TopicPartition] { partitions.map { TopicPartition(topic, $0) } }

    func testRangeGivesConsecutiveRangesPerTopic() {
        let result = RangeAssignor().assign(
            members: [member("c2", ["t", "u"]), member("c1", ["t", "u"])], partitionsPerTopic: ["t": 5, "u": 2])
        XCTAssertEqual(result["c1"], tps("t", [0, 1, 2]) + tps("u", [0]))
        XCTAssertEqual(result["c2"], tps("t", [3, 4]) + tps("u", [1]))
    }

    func testRangeOnlyConsidersSubscribers() {
        let result = RangeAssignor().assign(members: [member("a", ["t"]), member("b", ["u"])], partitionsPerTopic: ["t": 2, "u": 1])
        XCTAssertEqual(result["a"], tps("t", [0, 1]))
        XCTAssertEqual(result["b"], tps("u", [0]))
    }

    func testRoundRobinDealsSortedPartitionsInTurn() {
        let result = RoundRobinAssignor().assign(
            members: [member("b", ["t", "u"]), member("a", ["t", "u"])], partitionsPerTopic: ["t": 3, "u": 2])
        XCTAssertEqual(result["a"], [TopicPartition("t", 0), TopicPartition("t", 2), TopicPartition("u", 1)])
        XCTAssertEqual(result["b"], [TopicPartition("t", 1), TopicPartition("u", 0)])
    }

    func testRoundRobinSkipsMembersNotSubscribed() {
        let result = RoundRobinAssignor().assign(
            members: [member("a", ["t"]), member("b", ["t", "u"])], partitionsPerTopic: ["t": 2, "u": 2])
        XCTAssertEqual(result["a"], tps("t", [0]))
        XCTAssertEqual(result["b"], tps("t", [1]) + tps("u", [0, 1]))
    }

    func testEveryAssignorCoversEachPartitionOnce() {
        let members = (1...3).map { member("m\($0)", ["t", "u"]) }
        let counts = ["t": 7, "u": 4]
        for assignor in [RangeAssignor(), RoundRobinAssignor(), CooperativeStickyAssignor()] as [any PartitionAssignor] {
            let all = assignor.assign(members: members, partitionsPerTopic: counts).values.flatMap { $0 }
            XCTAssertEqual(all.count, 11, assignor.name)
            XCTAssertEqual(Set(all).count, 11, assignor.name)
        }
    }

    func testCooperativeStickyFirstAssignmentIsBalanced() {
        let result = CooperativeStickyAssignor().assign(members: [member("a", ["t"]), member("b", ["t"])], partitionsPerTopic: ["t": 4])
        XCTAssertEqual(result["a"]?.count, 2)
        XCTAssertEqual(result["b"]?.count, 2)
    }

    func testCooperativeStickyKeepsOwnedAndWithholdsMovedPartitions() {
        // a owned everything; b joins. a keeps two, and the two that move to b are withheld this round.
        let all = tps("t", [0, 1, 2, 3])
        let first = CooperativeStickyAssignor().assign(
            members: [member("a", ["t"], owned: all, generation: 1), member("b", ["t"])], partitionsPerTopic: ["t": 4])
        XCTAssertEqual(first["a"], tps("t", [0, 1]))
        XCTAssertEqual(first["b"], [], "b waits until a has revoked 2 and 3")
        // Second round: a owns 0 and 1 now; 2 and 3 are free and go to b.
        let second = CooperativeStickyAssignor().assign(
            members: [member("a", ["t"], owned: tps("t", [0, 1]), generation: 2), member("b", ["t"], generation: 2)],
            partitionsPerTopic: ["t": 4])
        XCTAssertEqual(second["a"], tps("t", [0, 1]))
        XCTAssertEqual(second["b"], tps("t", [2, 3]))
    }

    func testCooperativeStickyDropsPartitionsOfGoneTopics() {
        let result = CooperativeStickyAssignor().assign(
            members: [member("a", ["t"], owned: tps("gone", [0]) + tps("t", [0]), generation: 1)], partitionsPerTopic: ["t": 2])
        XCTAssertEqual(result["a"], tps("t", [0, 1]))
    }
}
