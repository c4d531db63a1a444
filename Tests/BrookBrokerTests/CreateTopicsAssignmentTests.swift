@testable import BrookBroker
import BrookProtocol
import XCTest

/// CreateTopics with explicit replica assignments, checked as Kafka's controller checks them.
final class CreateTopicsAssignmentTests: XCTestCase {
    private func create(_ client: RawKafkaClient, _ name: String,
                        _ assignments: [(Int32, [Int32])]) throws -> CreateTopicsResponse.CreatableTopicResult {
        var topic = CreateTopicsRequest.CreatableTopic(name: name, numPartitions: -1, replicationFactor: -1)
        topic.assignments = assignments.map { .init(partitionIndex: $0.0, brokerIds: $0.1) }
        let response = try client.request(CreateTopicsRequest(topics: [topic], timeoutMs: 1000), version: 7,
                                          as: CreateTopicsResponse.self)
        return try XCTUnwrap(response.topics.first)
    }

    func testAssignmentsOnTheRegisteredBrokersCreateTheTopic() async throws {
        let broker = try await TestBroker { $0.nodeId = 4 }
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let created = try create(client, "placed", [(0, [4]), (1, [4])])
        XCTAssertEqual(created.errorCode, 0, created.errorMessage ?? "")
        XCTAssertEqual(created.numPartitions, 2)
        XCTAssertEqual(created.replicationFactor, 1)
        XCTAssertEqual(broker.broker.topics.topic(named: "placed")?.partitions.count, 2)
        try await broker.stop()
    }

    func testUnknownBrokersDuplicatesAndNumberingAreRefused() async throws {
        let broker = try await TestBroker { $0.nodeId = 4 }
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let unknown = try create(client, "a", [(0, [4, 9])])
        XCTAssertEqual(unknown.errorCode, ErrorCode.invalidReplicaAssignment.rawValue)
        XCTAssertTrue(unknown.errorMessage?.contains("broker 9") == true, unknown.errorMessage ?? "")
        let twice = try create(client, "b", [(0, [4, 4])])
        XCTAssertEqual(twice.errorCode, ErrorCode.invalidReplicaAssignment.rawValue)
        let skipped = try create(client, "c", [(0, [4]), (2, [4])])
        XCTAssertEqual(skipped.errorCode, ErrorCode.invalidReplicaAssignment.rawValue)
        XCTAssertEqual(skipped.errorMessage, "Partitions should be numbered from 0 to n-1 in the replica assignment.")
        let empty = try create(client, "d", [(0, [])])
        XCTAssertEqual(empty.errorCode, ErrorCode.invalidReplicaAssignment.rawValue)
        XCTAssertNil(broker.broker.topics.topic(named: "a"))
        try await broker.stop()
    }

    func testCreatePartitionsTakesExplicitAssignmentsOnRegisteredBrokers() async throws {
        let broker = try await TestBroker { $0.nodeId = 4 }
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        XCTAssertEqual(try create(client, "grown", [(0, [4])]).errorCode, 0)
        func grow(_ count: Int32, _ assignments: [[Int32]]) throws -> CreatePartitionsResponse.CreatePartitionsTopicResult {
            let request = CreatePartitionsRequest(topics: [.init(name: "grown", count: count,
                                                                 assignments: assignments.map { .init(brokerIds: $0) })],
                                                  timeoutMs: 1000, validateOnly: false)
            return try XCTUnwrap(try client.request(request, version: 3, as: CreatePartitionsResponse.self).results.first)
        }
        let unknown = try grow(2, [[7]])
        XCTAssertEqual(unknown.errorCode, ErrorCode.invalidReplicaAssignment.rawValue)
        XCTAssertTrue(unknown.errorMessage?.contains("broker 7") == true, unknown.errorMessage ?? "")
        XCTAssertEqual(try grow(3, [[4]]).errorCode, ErrorCode.invalidReplicaAssignment.rawValue, "one assignment for two partitions")
        XCTAssertEqual(try grow(3, [[4], [4]]).errorCode, 0)
        XCTAssertEqual(broker.broker.topics.topic(named: "grown")?.partitionCount, 3)
        try await broker.stop()
    }
}
