import BrookCoordination
import BrookProtocol
import XCTest

final class ServerAssignorTests: XCTestCase {
    private let a = TopicImage(id: KafkaUUID.random(), name: "a", partitions: 7)
    private let b = TopicImage(id: KafkaUUID.random(), name: "b", partitions: 3)
    private var topics: [String: TopicImage] { ["a": a, "b": b] }

    private func member(_ id: String, _ topics: Set<String>, previous: TopicAssignment = [:]) -> AssignorMember {
        AssignorMember(memberId: id, subscribedTopics: topics, previous: previous)
    }

    private func assertComplete(_ result: [String: TopicAssignment], file: StaticString = #filePath, line: UInt = #line) {
        var seen: [String] = []
        for assignment in result.values {
            for (topic, partitions) in assignment { seen += partitions.map { "\(topic)/\($0)" } }
        }
        XCTAssertEqual(seen.count, Set(seen).count, "no partition twice", file: file, line: line)
    }

    func testUniformBalancesWithinOne() {
        let result = ServerAssignor.uniform.assign(members: [member("m1", ["a", "b"]), member("m2", ["a", "b"]), member("m3", ["a", "b"])],
                                                   topics: topics)
        assertComplete(result)
        XCTAssertEqual(result.values.map { $0.values.reduce(0) { $0 + $1.count } }.sorted(), [3, 3, 4])
    }

    func testUniformIsSticky() {
        let first = ServerAssignor.uniform.assign(members: [member("m1", ["a"]), member("m2", ["a"])], topics: topics)
        let second = ServerAssignor.uniform.assign(
            members: [member("m1", ["a"], previous: first["m1"]!), member("m2", ["a"], previous: first["m2"]!), member("m3", ["a"])],
            topics: topics)
        assertComplete(second)
        for id in ["m1", "m2"] {
            XCTAssertTrue(second[id]![a.id]!.isSubset(of: first[id]![a.id]!), "\(id) keeps a subset of what it had")
        }
        XCTAssertEqual(second.values.map { $0[a.id]?.count ?? 0 }.sorted(), [2, 2, 3])
    }

    func testUniformRespectsSubscriptions() {
        let result = ServerAssignor.uniform.assign(members: [member("m1", ["a"]), member("m2", ["b"])], topics: topics)
        XCTAssertEqual(result["m1"], [a.id: Set(0..<7)])
        XCTAssertEqual(result["m2"], [b.id: Set(0..<3)])
    }

    func testRangeGivesContiguousRangesPerTopic() {
        let result = ServerAssignor.range.assign(members: [member("m2", ["a", "b"]), member("m1", ["a", "b"])], topics: topics)
        XCTAssertEqual(result["m1"]?[a.id], [0, 1, 2, 3])
        XCTAssertEqual(result["m2"]?[a.id], [4, 5, 6])
        XCTAssertEqual(result["m1"]?[b.id], [0, 1])
        XCTAssertEqual(result["m2"]?[b.id], [2])
    }

    func testNoMembersOrTopics() {
        XCTAssertEqual(ServerAssignor.uniform.assign(members: [], topics: topics), [:])
        XCTAssertEqual(ServerAssignor.range.assign(members: [member("m", ["zzz"])], topics: topics), ["m": [:]])
    }
}
