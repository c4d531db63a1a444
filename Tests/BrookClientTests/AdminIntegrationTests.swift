import BrookClient
import BrookProtocol
import XCTest

/// Admin calls the real broker serves today: CreateTopics, Metadata, ListOffsets.
final class AdminIntegrationTests: XCTestCase {
    func testCreateListDescribeTopics() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let admin = KafkaAdmin(config: .testing(server))
        let topic = uniqueTopic()
        let created = try await admin.createTopics([NewTopic(name: topic, partitions: 3, replicationFactor: 1)])
        XCTAssertNoThrow(try created[topic]?.get())

        let again = try await admin.createTopics([NewTopic(name: topic, partitions: 3)])
        guard case .failure(let error) = again[topic] else { return XCTFail("creating twice must fail") }
        XCTAssertEqual(error.errorCode, .topicAlreadyExists)

        let listed = try await admin.listTopics()
        XCTAssertTrue(listed.contains { $0.name == topic })
        let described = try await admin.describeTopics([topic, "no-such-topic-\(topic)"])
        let description = try XCTUnwrap(described[topic]?.get())
        XCTAssertEqual(description.partitions.map(\.id), [0, 1, 2])
        XCTAssertTrue(description.partitions.allSatisfy { $0.leader >= 0 && $0.replicas == [$0.leader] })
        guard case .failure(let missing) = described["no-such-topic-\(topic)"] else { return XCTFail("missing topic") }
        XCTAssertEqual(missing.errorCode, .unknownTopicOrPartition)
        await admin.close()
    }

    func testClusterDescriptionAndOffsets() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let admin = KafkaAdmin(config: .testing(server))
        let cluster = try await admin.describeCluster()
        XCTAssertEqual(cluster.brokers.count, 1)
        XCTAssertEqual(cluster.brokers.first?.address, BrokerAddress(host: "127.0.0.1", port: server.port))
        XCTAssertNotNil(cluster.clusterId)

        let topic = uniqueTopic()
        try await produceRecords(server, topic: topic, count: 4)
        let partition = TopicPartition(topic, 0)
        let offsets = try await admin.listOffsets([partition: .earliest])
        let ends = try await admin.listOffsets([partition: .latest])
        XCTAssertEqual(offsets[partition], 0)
        XCTAssertEqual(ends[partition], 4)
        await admin.close()
    }
}
