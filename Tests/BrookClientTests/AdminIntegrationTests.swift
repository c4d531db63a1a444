import BrookClient
import BrookProtocol
import XCTest

/// Admin calls against the real broker (each test skips what the broker does not advertise yet).
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

    func testGroupsListDescribeOffsetsAndDelete() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let probe = KafkaCluster(config: .testing(server))
        let supportsGroups = try await probe.anyConnection().apiVersions.supports(.deleteGroups)
        await probe.close()
        guard supportsGroups else { throw XCTSkip("this broker does not implement group administration yet") }

        let topic = uniqueTopic()
        try await produceRecords(server, topic: topic, count: 6)
        var config = ConsumerConfig(client: .testing(server), groupId: "admin-\(topic)")
        config.autoOffsetReset = .earliest
        config.fetchMaxWait = .milliseconds(100)
        let consumer = try KafkaConsumer(config: config)
        try await consumer.subscribe([topic])
        var read = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while read < 6, ContinuousClock.now < deadline { read += try await consumer.poll(timeout: .milliseconds(200)).count }
        XCTAssertEqual(read, 6)

        let admin = KafkaAdmin(config: .testing(server))
        let listed = try await admin.listGroups()
        XCTAssertTrue(listed.contains { $0.groupId == "admin-\(topic)" && $0.protocolType == "consumer" }, "\(listed)")
        let descriptions = try await admin.describeGroups(["admin-\(topic)"])
        let described = try XCTUnwrap(descriptions["admin-\(topic)"]?.get())
        XCTAssertEqual(described.state, "Stable")
        XCTAssertEqual(described.members.first?.assignment, [TopicPartition(topic, 0)])
        let busy = try await admin.deleteGroups(["admin-\(topic)"])
        XCTAssertEqual((try? busy["admin-\(topic)"]?.get()) == nil, true, "a group with members cannot be deleted")

        await consumer.close()  // commits 6 and leaves
        let committed = try await admin.listGroupOffsets("admin-\(topic)")
        XCTAssertEqual(committed, [TopicPartition(topic, 0): 6])
        try await admin.alterGroupOffsets("admin-\(topic)", [TopicPartition(topic, 0): 2])
        let moved = try await admin.listGroupOffsets("admin-\(topic)")
        XCTAssertEqual(moved, [TopicPartition(topic, 0): 2])
        let deleted = try await admin.deleteGroups(["admin-\(topic)"])
        XCTAssertNoThrow(try deleted["admin-\(topic)"]?.get())
        let after = try await admin.listGroups()
        XCTAssertFalse(after.contains { $0.groupId == "admin-\(topic)" })
        await admin.close()
    }

    func testTopicAdministrationEndToEnd() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let probe = KafkaCluster(config: .testing(server))
        let versions = try await probe.anyConnection().apiVersions
        await probe.close()
        for api in [ApiKey.deleteTopics, .describeConfigs, .incrementalAlterConfigs, .createPartitions, .deleteRecords, .describeCluster]
        where !versions.supports(api) {
            throw XCTSkip("this broker does not implement \(api.kafkaName) yet")
        }
        let admin = KafkaAdmin(config: .testing(server))
        let topic = uniqueTopic()
        try await admin.createTopics([NewTopic(name: topic, partitions: 2, configs: ["retention.ms": "100000"])])[topic]?.get()

        var entries = try await admin.describeConfigs(.topic(topic))
        XCTAssertEqual(entries.first { $0.name == "retention.ms" }?.value, "100000")
        XCTAssertEqual(entries.first { $0.name == "retention.ms" }?.source, .dynamicTopic)
        XCTAssertEqual(entries.first { $0.name == "cleanup.policy" }?.isDefault, true, "defaults are listed too")

        try await admin.alterConfigs(.topic(topic), [.set("retention.ms", "5000"), .delete("segment.ms")])
        entries = try await admin.describeConfigs(.topic(topic), keys: ["retention.ms"])
        XCTAssertEqual(entries.map(\.value), ["5000"])

        try await admin.createPartitions([topic: 4])[topic]?.get()
        let described = try await admin.describeTopics([topic])
        XCTAssertEqual(try described[topic]?.get().partitions.count, 4)

        try await produceRecords(server, topic: topic, count: 10)
        let busiest = TopicPartition(topic, Murmur2.partition(forKey: Array("k0".utf8), partitionCount: 4))  // holds k0 at least
        let ends = try await admin.listOffsets([busiest: .latest])
        let trimmed = try await admin.deleteRecords([busiest: ends[busiest]! - 1])
        XCTAssertEqual(try trimmed[busiest]?.get(), ends[busiest]! - 1)
        let starts = try await admin.listOffsets([busiest: .earliest])
        XCTAssertEqual(starts[busiest], ends[busiest]! - 1)

        let cluster = try await admin.describeCluster()
        XCTAssertEqual(cluster.brokers.map(\.address.port), [server.port])

        try await admin.deleteTopics([topic])[topic]?.get()
        let listed = try await admin.listTopics()
        XCTAssertFalse(listed.contains { $0.name == topic })
        let again = try await admin.deleteTopics([topic])
        XCTAssertEqual((again[topic].flatMap { result -> KafkaClientError? in
            if case .failure(let error) = result { return error }
            return nil
        })?.errorCode, .unknownTopicOrPartition)
        await admin.close()
    }
}
