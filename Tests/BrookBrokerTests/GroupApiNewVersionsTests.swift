@testable import BrookBroker
import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// OffsetFetch v10 (topics by id) and DescribeGroups v6 (GROUP_ID_NOT_FOUND with a message) through
/// a real broker.
final class GroupApiNewVersionsTests: XCTestCase {
    func testApiVersionsAdvertisesOffsetFetch10AndDescribeGroups6() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let versions = try client.request(ApiVersionsRequest(), version: 3, as: ApiVersionsResponse.self).apiKeys
        XCTAssertEqual(versions.first { $0.apiKey == ApiKey.offsetFetch.rawValue }?.maxVersion, 10)
        XCTAssertEqual(versions.first { $0.apiKey == ApiKey.describeGroups.rawValue }?.maxVersion, 6)
        try await broker.stop()
    }

    func testOffsetFetchV10ResolvesTopicIds() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
        let id = try XCTUnwrap(broker.broker.topics.topic(named: "t")?.id)
        let client = try RawKafkaClient(port: broker.port)
        let commit = OffsetCommitRequest(groupId: "g", topics: [.init(name: "t", partitions: [
            .init(partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: 0, committedMetadata: "m"),
        ])])
        XCTAssertEqual(try client.request(commit, version: 8, as: OffsetCommitResponse.self).topics.first?.partitions.first?.errorCode, 0)

        let unknown = KafkaUUID(high: 7, low: 7)
        let byId = OffsetFetchRequest(groups: [.init(groupId: "g", topics: [
            .init(topicId: id, partitionIndexes: [0, 1]), .init(topicId: unknown, partitionIndexes: [3]),
        ])])
        let group = try XCTUnwrap(try client.request(byId, version: 10, as: OffsetFetchResponse.self).groups.first)
        XCTAssertEqual(group.errorCode, 0)
        XCTAssertEqual(group.topics.map(\.topicId), [id, unknown])
        XCTAssertEqual(group.topics[0].partitions.map(\.committedOffset), [-1, 42])
        XCTAssertEqual(group.topics[0].partitions.map(\.metadata), ["", "m"])
        XCTAssertEqual(group.topics[0].partitions.map(\.errorCode), [0, 0])
        XCTAssertEqual(group.topics[1].partitions.map(\.partitionIndex), [3])
        XCTAssertEqual(group.topics[1].partitions.map(\.errorCode), [ErrorCode.unknownTopicId.rawValue])
        XCTAssertEqual(group.topics[1].partitions.map(\.committedOffset), [-1])

        // Every committed topic, by id; a committed topic that no longer exists has no id to give.
        try await broker.broker.topics.createTopic(name: "gone", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        XCTAssertEqual(try client.request(OffsetCommitRequest(groupId: "g", topics: [.init(name: "gone", partitions: [
            .init(partitionIndex: 0, committedOffset: 1)])]), version: 8, as: OffsetCommitResponse.self)
            .topics.first?.partitions.first?.errorCode, 0)
        XCTAssertEqual(try client.request(DeleteTopicsRequest(topicNames: ["gone"], timeoutMs: 5000), version: 5,
                                          as: DeleteTopicsResponse.self).responses.first?.errorCode, 0)
        let all = try client.request(OffsetFetchRequest(groups: [.init(groupId: "g", topics: nil)]), version: 10,
                                     as: OffsetFetchResponse.self)
        XCTAssertEqual(all.groups.first?.topics.map(\.topicId), [id])
        XCTAssertEqual(all.groups.first?.topics.first?.partitions.map(\.committedOffset), [42])
        // v9 still answers by name.
        let v9 = try client.request(OffsetFetchRequest(groups: [.init(groupId: "g", topics: nil)]), version: 9,
                                    as: OffsetFetchResponse.self)
        XCTAssertEqual(v9.groups.first?.topics.last?.name, "t")
        try await broker.stop()
    }

    func testDescribeGroupsV6ReportsUnknownAndConsumerGroupsAsNotFound() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let joined = try client.request(ConsumerGroupHeartbeatRequest(groupId: "cg", memberEpoch: 0, rebalanceTimeoutMs: 30_000,
                                                                      subscribedTopicNames: ["t"], topicPartitions: []),
                                        version: 0, as: ConsumerGroupHeartbeatResponse.self)
        XCTAssertEqual(joined.errorCode, 0)
        _ = try GroupTestSupport.join(client, group: "classic")

        let request = DescribeGroupsRequest(groups: ["nosuch", "cg", "classic"])
        let v6 = try client.request(request, version: 6, as: DescribeGroupsResponse.self).groups
        XCTAssertEqual(v6.map(\.errorCode), [ErrorCode.groupIdNotFound.rawValue, ErrorCode.groupIdNotFound.rawValue, 0])
        XCTAssertEqual(v6.map(\.errorMessage), ["Group nosuch not found.", "Group cg is not a classic group.", nil])
        XCTAssertEqual(v6.map(\.groupState), ["Dead", "Dead", "CompletingRebalance"])
        let v5 = try client.request(request, version: 5, as: DescribeGroupsResponse.self).groups
        XCTAssertEqual(v5.map(\.errorCode), [0, 0, 0])
        XCTAssertEqual(v5.map(\.groupState), ["Dead", "Dead", "CompletingRebalance"])
        try await broker.stop()
    }
}
