@testable import BrookClient
import BrookProtocol
import NIOCore
import XCTest

/// Admin requests the real broker does not serve yet, against constructed responses: what goes on
/// the wire, and how answers and errors come back.
final class AdminFakeBrokerTests: XCTestCase {
    private func start(_ versions: [ApiKey: ClosedRange<Int16>]) throws -> (FakeBroker, KafkaAdmin) {
        var all = versions
        all[.metadata] = 0...12
        all[.findCoordinator] = 0...4
        let fake = try FakeBroker(versions: all)
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 2]) }
        fake.on(FindCoordinatorRequest.self) { request, _ in
            FindCoordinatorResponse(coordinators: request.coordinatorKeys.map {
                .init(key: $0, nodeId: fake.nodeId, host: "127.0.0.1", port: Int32(fake.port), errorCode: 0, errorMessage: nil)
            })
        }
        var config = ClientConfig(bootstrapServers: [fake.address])
        config.retryBackoff = .milliseconds(5)
        config.defaultApiTimeout = .seconds(5)
        return (fake, KafkaAdmin(config: config))
    }

    func testDeleteTopicsUsesNamesOrTopicStatesByVersion() async throws {
        for version in [Int16(5), 6] {
            let (fake, admin) = try start([.deleteTopics: 0...version])
            fake.on(DeleteTopicsRequest.self) { request, _ in
                let names = request.topicNames + request.topics.compactMap(\.name)
                return DeleteTopicsResponse(responses: names.map {
                    .init(name: $0, errorCode: $0 == "missing" ? ErrorCode.unknownTopicOrPartition.rawValue : 0)
                })
            }
            let results = try await admin.deleteTopics(["t", "missing"])
            XCTAssertNoThrow(try results["t"]?.get())
            XCTAssertThrowsError(try results["missing"]?.get())
            let (request, used) = try XCTUnwrap(fake.requests(DeleteTopicsRequest.self).first)
            XCTAssertEqual(used, version)
            if version >= 6 {
                XCTAssertEqual(request.topics.map(\.name), ["t", "missing"])
            } else {
                XCTAssertEqual(request.topicNames, ["t", "missing"])
            }
            await admin.close()
            fake.shutdown()
        }
    }

    func testCreatePartitionsAndDeleteRecords() async throws {
        let (fake, admin) = try start([.createPartitions: 0...3, .deleteRecords: 0...2])
        defer { fake.shutdown() }
        fake.on(CreatePartitionsRequest.self) { request, _ in
            CreatePartitionsResponse(results: request.topics.map {
                .init(name: $0.name, errorCode: $0.count < 2 ? ErrorCode.invalidPartitions.rawValue : 0, errorMessage: $0.count < 2 ? "fewer" : nil)
            })
        }
        fake.on(DeleteRecordsRequest.self) { request, _ in
            DeleteRecordsResponse(topics: request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, lowWatermark: $0.offset, errorCode: 0) })
            })
        }
        let grown = try await admin.createPartitions(["t": 5, "u": 1])
        XCTAssertNoThrow(try grown["t"]?.get())
        XCTAssertThrowsError(try grown["u"]?.get()) { error in
            XCTAssertEqual("\(error)", "add partitions to u: INVALID_PARTITIONS (fewer)")
        }
        XCTAssertEqual(fake.requests(CreatePartitionsRequest.self).first?.0.topics.map(\.count), [5, 1])

        let deleted = try await admin.deleteRecords([TopicPartition("t", 1): 42])
        XCTAssertEqual(try deleted[TopicPartition("t", 1)]?.get(), 42)
        await admin.close()
    }

    func testDescribeAndAlterConfigs() async throws {
        let (fake, admin) = try start([.describeConfigs: 0...4, .incrementalAlterConfigs: 0...1])
        defer { fake.shutdown() }
        fake.on(DescribeConfigsRequest.self) { request, _ in
            XCTAssertEqual(request.resources.first?.resourceType, 2)
            return DescribeConfigsResponse(results: [.init(errorCode: 0, errorMessage: nil, resourceType: 2, resourceName: "t", configs: [
                .init(name: "retention.ms", value: "1000", readOnly: false, configSource: 1, isSensitive: false),
                .init(name: "cleanup.policy", value: "delete", readOnly: false, configSource: 5, isSensitive: false),
            ])])
        }
        fake.on(IncrementalAlterConfigsRequest.self) { request, _ in
            IncrementalAlterConfigsResponse(responses: request.resources.map {
                .init(errorCode: $0.configs.contains { $0.name == "bogus" } ? ErrorCode.invalidConfig.rawValue : 0,
                      errorMessage: nil, resourceType: $0.resourceType, resourceName: $0.resourceName)
            })
        }
        let entries = try await admin.describeConfigs(.topic("t"))
        XCTAssertEqual(entries.map(\.name), ["cleanup.policy", "retention.ms"])
        XCTAssertEqual(entries.map(\.source), [.defaultConfig, .dynamicTopic])
        XCTAssertTrue(entries[0].isDefault)

        try await admin.alterConfigs(.topic("t"), [.set("retention.ms", "5"), .delete("segment.ms")])
        let sent = try XCTUnwrap(fake.requests(IncrementalAlterConfigsRequest.self).first)
        XCTAssertEqual(sent.1, 1)
        XCTAssertEqual(sent.0.resources[0].configs, [
            .init(name: "retention.ms", configOperation: 0, value: "5"), .init(name: "segment.ms", configOperation: 1, value: nil),
        ])
        do {
            try await admin.alterConfigs(.topic("t"), [.set("bogus", "1")])
            XCTFail("expected INVALID_CONFIG")
        } catch let error as KafkaClientError {
            XCTAssertEqual(error.errorCode, .invalidConfig)
        }
        await admin.close()
    }

    func testGroupsListDescribeDeleteAndOffsets() async throws {
        let (fake, admin) = try start([
            .listGroups: 0...5, .describeGroups: 0...5, .deleteGroups: 0...2, .offsetFetch: 0...9, .offsetCommit: 0...9,
        ])
        defer { fake.shutdown() }
        fake.on(ListGroupsRequest.self) { _, _ in
            ListGroupsResponse(groups: [.init(groupId: "b", protocolType: "consumer", groupState: "Empty", groupType: "classic"),
                                        .init(groupId: "a", protocolType: "consumer", groupState: "Stable", groupType: "classic")])
        }
        let assignment = ConsumerAssignment(partitions: [TopicPartition("t", 1), TopicPartition("t", 0)]).encode()
        fake.on(DescribeGroupsRequest.self) { request, _ in
            DescribeGroupsResponse(groups: request.groups.map {
                .init(errorCode: $0 == "ghost" ? ErrorCode.groupIdNotFound.rawValue : 0, groupId: $0, groupState: "Stable",
                      protocolType: "consumer", protocolData: "range",
                      members: [.init(memberId: "m1", clientId: "c", clientHost: "/127.0.0.1", memberMetadata: ByteBuffer(), memberAssignment: assignment)])
            })
        }
        fake.on(DeleteGroupsRequest.self) { request, _ in
            DeleteGroupsResponse(results: request.groupsNames.map { .init(groupId: $0, errorCode: $0 == "a" ? ErrorCode.nonEmptyGroup.rawValue : 0) })
        }
        fake.on(OffsetFetchRequest.self) { request, _ in
            XCTAssertNil(request.groups.first?.topics, "all partitions")
            return OffsetFetchResponse(groups: [.init(groupId: request.groups[0].groupId, topics: [
                .init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 7), .init(partitionIndex: 1, committedOffset: -1)])
            ])])
        }
        fake.on(OffsetCommitRequest.self) { request, _ in
            XCTAssertEqual(request.generationIdOrMemberEpoch, -1)
            XCTAssertEqual(request.memberId, "")
            return OffsetCommitResponse(topics: request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: 0) })
            })
        }

        let groups = try await admin.listGroups()
        XCTAssertEqual(groups.map(\.groupId), ["a", "b"])
        XCTAssertEqual(groups.map(\.state), ["Stable", "Empty"])

        let described = try await admin.describeGroups(["a", "ghost"])
        let group = try XCTUnwrap(described["a"]?.get())
        XCTAssertEqual(group.protocolName, "range")
        XCTAssertEqual(group.members.first?.assignment, [TopicPartition("t", 0), TopicPartition("t", 1)])
        XCTAssertEqual((try? described["ghost"]?.get()) == nil, true)

        let deleted = try await admin.deleteGroups(["a", "b"])
        XCTAssertThrowsError(try deleted["a"]?.get())
        XCTAssertNoThrow(try deleted["b"]?.get())
        XCTAssertEqual(fake.requests(DeleteGroupsRequest.self).first?.1, 2, "flexible DeleteGroups v2")

        let offsets = try await admin.listGroupOffsets("a")
        XCTAssertEqual(offsets, [TopicPartition("t", 0): 7], "partitions without a commit are left out")
        try await admin.alterGroupOffsets("a", [TopicPartition("t", 0): 3])
        XCTAssertEqual(fake.requests(OffsetCommitRequest.self).first?.0.topics.first?.partitions.first?.committedOffset, 3)
        await admin.close()
    }

    func testDescribeClusterPrefersDescribeCluster() async throws {
        let (fake, admin) = try start([.describeCluster: 0...1])
        defer { fake.shutdown() }
        fake.on(DescribeClusterRequest.self) { _, _ in
            DescribeClusterResponse(clusterId: "abc", controllerId: 2, brokers: [
                .init(brokerId: 2, host: "b", port: 9093, rack: "r"), .init(brokerId: 1, host: "a", port: 9092, rack: nil),
            ])
        }
        let cluster = try await admin.describeCluster()
        XCTAssertEqual(cluster.clusterId, "abc")
        XCTAssertEqual(cluster.brokers.map(\.nodeId), [1, 2])
        XCTAssertEqual(cluster.brokers.last?.rack, "r")
        await admin.close()
    }
}
