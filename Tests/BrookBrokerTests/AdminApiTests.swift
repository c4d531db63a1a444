import BrookBroker
import BrookProtocol
import XCTest

/// The admin APIs over the wire against an in-process broker.
final class AdminApiTests: XCTestCase {
    private func create(_ client: RawKafkaClient, _ name: String, partitions: Int32,
                        configs: [String: String] = [:]) throws -> CreateTopicsResponse.CreatableTopicResult {
        var topic = CreateTopicsRequest.CreatableTopic(name: name, numPartitions: partitions, replicationFactor: 1)
        topic.configs = configs.map { .init(name: $0.key, value: $0.value) }
        let response = try client.request(CreateTopicsRequest(topics: [topic], timeoutMs: 1000), version: 7,
                                          as: CreateTopicsResponse.self)
        return try XCTUnwrap(response.topics.first)
    }

    func testApiVersionsAdvertisesAdminApis() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let response = try client.request(ApiVersionsRequest(), version: 3, as: ApiVersionsResponse.self)
        let ranges = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
        XCTAssertEqual(ranges[20], 0...6)
        XCTAssertEqual(ranges[32], 0...4)
        XCTAssertEqual(ranges[33], 0...2)
        XCTAssertEqual(ranges[35], 0...4)
        XCTAssertEqual(ranges[37], 0...3)
        XCTAssertEqual(ranges[44], 0...1)
        XCTAssertEqual(ranges[75], 0...0)
        try await broker.stop()
    }

    func testDeleteByIdFreesTheNameAndPersistsAcrossRestart() async throws {
        let dir = TestBroker.makeTempDir()
        var broker = try await TestBroker(dataDir: dir)
        var client = try RawKafkaClient(port: broker.port)
        let created = try create(client, "gone", partitions: 2, configs: ["retention.ms": "1234"])
        XCTAssertEqual(created.errorCode, 0)
        XCTAssertEqual(try create(client, "kept", partitions: 1, configs: ["segment.bytes": "100000"]).errorCode, 0)
        let request = DeleteTopicsRequest(topics: [.init(name: nil, topicId: created.topicId)], timeoutMs: 1000)
        let deleted = try client.request(request, version: 6, as: DeleteTopicsResponse.self)
        XCTAssertEqual(deleted.responses.map(\.errorCode), [0])
        XCTAssertEqual(deleted.responses.first?.name, "gone")
        let again = try client.request(request, version: 6, as: DeleteTopicsResponse.self)
        XCTAssertEqual(again.responses.map(\.errorCode), [ErrorCode.unknownTopicId.rawValue])
        let internalTopic = try client.request(DeleteTopicsRequest(topicNames: ["__consumer_offsets"], timeoutMs: 1000),
                                               version: 5, as: DeleteTopicsResponse.self)
        XCTAssertNotEqual(internalTopic.responses.first?.errorCode, 0)
        let recreated = try create(client, "gone", partitions: 1)
        XCTAssertNotEqual(recreated.topicId, created.topicId)
        try await broker.stop()

        broker = try await TestBroker(dataDir: dir)
        defer { broker.removeData() }
        client = try RawKafkaClient(port: broker.port)
        let describe = DescribeConfigsRequest(resources: [.init(resourceType: 2, resourceName: "kept", configurationKeys: nil),
                                                          .init(resourceType: 2, resourceName: "gone",
                                                                configurationKeys: ["retention.ms"])],
                                              includeSynonyms: true, includeDocumentation: true)
        let configs = try client.request(describe, version: 4, as: DescribeConfigsResponse.self)
        let kept = try XCTUnwrap(configs.results.first)
        let segment = try XCTUnwrap(kept.configs.first { $0.name == "segment.bytes" })
        XCTAssertEqual(segment.value, "100000")
        XCTAssertEqual(segment.configSource, 1)
        XCTAssertEqual(segment.synonyms.map(\.source), [1, 5])
        XCTAssertNotNil(segment.documentation)
        XCTAssertEqual(segment.configType, 3)
        let retention = try XCTUnwrap(configs.results.last?.configs.first)
        XCTAssertEqual(retention.value, "604800000", "the recreated topic has no override")
        XCTAssertEqual(configs.results.last?.configs.count, 1)
        try await broker.stop()
    }

    func testDescribeTopicPartitionsPagesWithACursor() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        _ = try create(client, "paged-a", partitions: 3)
        _ = try create(client, "paged-b", partitions: 2)
        var request = DescribeTopicPartitionsRequest(topics: [.init(name: "paged-a"), .init(name: "paged-b"),
                                                              .init(name: "missing")])
        request.responsePartitionLimit = 4
        let first = try client.request(request, version: 0, as: DescribeTopicPartitionsResponse.self)
        XCTAssertEqual(first.topics.map(\.name), ["missing", "paged-a", "paged-b"])
        XCTAssertEqual(first.topics[0].errorCode, ErrorCode.unknownTopicOrPartition.rawValue)
        XCTAssertEqual(first.topics[2].partitions.map(\.partitionIndex), [0])
        XCTAssertEqual(first.nextCursor?.topicName, "paged-b")
        XCTAssertEqual(first.nextCursor?.partitionIndex, 1)
        request.cursor = .init(topicName: "paged-b", partitionIndex: 1)
        let second = try client.request(request, version: 0, as: DescribeTopicPartitionsResponse.self)
        XCTAssertEqual(second.topics.last?.partitions.map(\.partitionIndex), [1])
        XCTAssertNil(second.nextCursor)
        try await broker.stop()
    }

    func testClusterWideDefaultChangesApplyToTopicsWithoutOverrides() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        _ = try create(client, "plain", partitions: 1)
        _ = try create(client, "own", partitions: 1, configs: ["delete.retention.ms": "5"])
        let alter = IncrementalAlterConfigsRequest(resources: [.init(resourceType: 4, resourceName: "", configs: [
            .init(name: "log.cleaner.delete.retention.ms", configOperation: 0, value: "1000"),
        ])], validateOnly: false)
        let altered = try client.request(alter, version: 1, as: IncrementalAlterConfigsResponse.self)
        XCTAssertEqual(altered.responses.map(\.errorCode), [0])
        let describe = DescribeConfigsRequest(resources: ["plain", "own"].map {
            .init(resourceType: 2, resourceName: $0, configurationKeys: ["delete.retention.ms"])
        }, includeSynonyms: true)
        let configs = try client.request(describe, version: 4, as: DescribeConfigsResponse.self)
        let plain = try XCTUnwrap(configs.results.first?.configs.first)
        XCTAssertEqual(plain.value, "1000")
        XCTAssertEqual(plain.configSource, 3)
        XCTAssertEqual(plain.synonyms.map(\.source), [3, 5])
        let own = try XCTUnwrap(configs.results.last?.configs.first)
        XCTAssertEqual(own.value, "5")
        XCTAssertEqual(own.synonyms.map(\.source), [1, 3, 5])
        try await broker.stop()
    }
}
