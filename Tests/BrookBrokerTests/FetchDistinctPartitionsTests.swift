@testable import BrookBroker
import BrookProtocol
import XCTest

/// Repeated partitions in one Fetch collapse as in Kafka's map of the request.
final class FetchDistinctPartitionsTests: XCTestCase {
    private func part(_ index: Int32, offset: Int64) -> FetchRequest.FetchPartition {
        .init(partition: index, fetchOffset: offset, partitionMaxBytes: 100)
    }

    private func shape(_ topics: [FetchRequest.FetchTopic]) -> [String] {
        topics.map { t in t.topic + ":" + t.partitions.map { "\($0.partition)@\($0.fetchOffset)" }.joined(separator: ",") }
    }

    func testRepeatsKeepTheFirstPlaceAndTheLastPosition() {
        var request = FetchRequest()
        request.topics = [
            .init(topic: "a", partitions: [part(0, offset: 1), part(1, offset: 1), part(0, offset: 7)]),
            .init(topic: "b", partitions: [part(0, offset: 3)]),
            .init(topic: "a", partitions: [part(1, offset: 9), part(2, offset: 2)]),
        ]
        XCTAssertEqual(shape(request.distinctTopics), ["a:0@7,1@9", "b:0@3", "a:2@2"])
    }

    func testTwentyFiveThousandRepeatsBecomeOne() {
        var request = FetchRequest()
        request.topics = [.init(topic: "t", partitions: (0..<25_000).map { part(0, offset: Int64($0)) })]
        XCTAssertEqual(shape(request.distinctTopics), ["t:0@24999"])
    }

    func testDistinctPartitionsAreUnchanged() {
        var request = FetchRequest()
        request.topics = [.init(topic: "t", partitions: [part(2, offset: 0), part(0, offset: 0)]),
                          .init(topic: "u", partitions: [part(0, offset: 5)])]
        XCTAssertEqual(request.distinctTopics, request.topics)
    }
}
