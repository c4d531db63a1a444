import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

final class GroupOffsetsEndToEndTests: XCTestCase {
    private func commit(_ client: RawKafkaClient, group: String, topic: String = "t", partitions: [Int32] = [0, 1],
                        offset: Int64 = 42, metadata: String? = "cursor", epoch: Int32 = 3, version: Int16,
                        generation: Int32 = -1, member: String = "") throws -> OffsetCommitResponse {
        let request = OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: member,
            topics: [.init(name: topic, partitions: partitions.map {
                .init(partitionIndex: $0, committedOffset: offset, committedLeaderEpoch: epoch, committedMetadata: metadata)
            })])
        return try client.request(request, version: version, as: OffsetCommitResponse.self)
    }

    func testCommitsRoundTripThroughEveryFetchVersion() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            for (index, version) in (Int16(2)...9).enumerated() {
                let response = try commit(client, group: "g\(version)", offset: Int64(100 + index), version: version)
                XCTAssertEqual(response.topics.first?.partitions.map(\.errorCode), [0, 0], "v\(version)")
            }
            // v1 (no top-level error), v5 (leader epoch), v7, then v8 with several groups.
            for version: Int16 in [1, 5, 7] {
                let fetched = try client.request(OffsetFetchRequest(groupId: "g6", topics: [.init(name: "t", partitionIndexes: [0, 1])]),
                                                 version: version, as: OffsetFetchResponse.self)
                let p0 = try XCTUnwrap(fetched.topics.first?.partitions.first)
                XCTAssertEqual(p0.committedOffset, 104, "v\(version)")
                XCTAssertEqual(p0.metadata, "cursor")
                XCTAssertEqual(p0.committedLeaderEpoch, version >= 5 ? 3 : -1)
            }
            let all = try client.request(OffsetFetchRequest(groupId: "g9", topics: nil), version: 7, as: OffsetFetchResponse.self)
            XCTAssertEqual(all.topics.first?.partitions.map(\.partitionIndex), [0, 1])
            let multi = try client.request(OffsetFetchRequest(groups: [
                .init(groupId: "g8", topics: [.init(name: "t", partitionIndexes: [1, 5])]),
                .init(groupId: "unknown", topics: nil),
            ]), version: 8, as: OffsetFetchResponse.self)
            XCTAssertEqual(multi.groups.map(\.groupId), ["g8", "unknown"])
            XCTAssertEqual(multi.groups[0].topics.first?.partitions.map(\.committedOffset), [106, -1])
            XCTAssertEqual(multi.groups[1].topics.count, 0)
            // KIP-320: the epoch committed with v6+ comes back with v8.
            XCTAssertEqual(multi.groups[0].topics.first?.partitions.first?.committedLeaderEpoch, 3)
        }
        try await broker.stop()
    }

    func testUnknownTopicsAndOversizedMetadataAreRejectedPerPartition() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let unknown = try commit(client, group: "g", topic: "nope", version: 8)
            XCTAssertEqual(unknown.topics.first?.partitions.map(\.errorCode), [3, 3])
            let outOfRange = try commit(client, group: "g", partitions: [0, 7], version: 8)
            XCTAssertEqual(outOfRange.topics.first?.partitions.map(\.errorCode), [0, ErrorCode.unknownTopicOrPartition.rawValue])
            let big = try commit(client, group: "g", partitions: [0], metadata: String(repeating: "m", count: 4097), version: 8)
            XCTAssertEqual(big.topics.first?.partitions.map(\.errorCode), [ErrorCode.offsetMetadataTooLarge.rawValue])
            let fine = try commit(client, group: "g", partitions: [0], metadata: String(repeating: "m", count: 4096), version: 8)
            XCTAssertEqual(fine.topics.first?.partitions.map(\.errorCode), [0])
            let generation = try commit(client, group: "nogroup", partitions: [0], version: 8, generation: 4, member: "m")
            XCTAssertEqual(generation.topics.first?.partitions.map(\.errorCode), [ErrorCode.illegalGeneration.rawValue])
        }
        try await broker.stop()
    }

    func testListDeleteAndOffsetDelete() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            _ = try commit(client, group: "simple", version: 8)
            let joined = try GroupTestSupport.join(client, group: "active")
            _ = try client.request(SyncGroupRequest(groupId: "active", generationId: 1, memberId: joined.memberId), version: 3,
                                   as: SyncGroupResponse.self)
            _ = try commit(client, group: "active", version: 8, generation: 1, member: joined.memberId)

            let listed = try client.request(ListGroupsRequest(), version: 3, as: ListGroupsResponse.self)
            XCTAssertEqual(listed.groups.map(\.groupId), ["active", "simple"])
            XCTAssertEqual(listed.groups.map(\.protocolType), ["consumer", ""])
            let stable = try client.request(ListGroupsRequest(statesFilter: ["Stable"]), version: 4, as: ListGroupsResponse.self)
            XCTAssertEqual(stable.groups.map(\.groupId), ["active"])
            XCTAssertEqual(stable.groups.map(\.groupState), ["Stable"])

            let offsetDelete = try client.request(OffsetDeleteRequest(groupId: "active", topics: [
                .init(name: "t", partitions: [.init(partitionIndex: 0)]),
                .init(name: "missing", partitions: [.init(partitionIndex: 0)]),
            ]), version: 0, as: OffsetDeleteResponse.self)
            XCTAssertEqual(offsetDelete.errorCode, 0)
            XCTAssertEqual(offsetDelete.topics.map { $0.partitions.map(\.errorCode) },
                           [[ErrorCode.groupSubscribedToTopic.rawValue], [ErrorCode.unknownTopicOrPartition.rawValue]])
            let simpleDelete = try client.request(OffsetDeleteRequest(groupId: "simple", topics: [
                .init(name: "t", partitions: [.init(partitionIndex: 1)]),
            ]), version: 0, as: OffsetDeleteResponse.self)
            XCTAssertEqual(simpleDelete.topics.first?.partitions.first?.errorCode, 0)
            let noGroup = try client.request(OffsetDeleteRequest(groupId: "nope", topics: []), version: 0, as: OffsetDeleteResponse.self)
            XCTAssertEqual(noGroup.errorCode, ErrorCode.groupIdNotFound.rawValue)

            let deleted = try client.request(DeleteGroupsRequest(groupsNames: ["simple", "active", "nope"]), version: 2,
                                             as: DeleteGroupsResponse.self)
            XCTAssertEqual(deleted.results.map(\.groupId), ["simple", "active", "nope"])
            XCTAssertEqual(deleted.results.map(\.errorCode),
                           [0, ErrorCode.nonEmptyGroup.rawValue, ErrorCode.groupIdNotFound.rawValue])
            let after = try client.request(OffsetFetchRequest(groupId: "simple", topics: [.init(name: "t", partitionIndexes: [0])]),
                                           version: 7, as: OffsetFetchResponse.self)
            XCTAssertEqual(after.topics.first?.partitions.first?.committedOffset, -1)
        }
        try await broker.stop()
    }

    func testOffsetsTopicIsHiddenAndProtected() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let all = try client.request(MetadataRequest(topics: nil), version: 12, as: MetadataResponse.self)
            XCTAssertFalse(all.topics.contains { $0.name == "__consumer_offsets" })
            let named = try client.request(MetadataRequest(topics: [.init(topicId: .zero, name: "__consumer_offsets")]), version: 12,
                                           as: MetadataResponse.self)
            XCTAssertEqual(named.topics.first?.errorCode, 0)
            XCTAssertEqual(named.topics.first?.isInternal, true)
            XCTAssertEqual(named.topics.first?.partitions.count, 4)
            var builder = RecordBatchBuilder()
            builder.append(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v"), timestamp: 1)
            let produce = ProduceRequest(acks: -1, timeoutMs: 1000, topicData: [
                .init(name: "__consumer_offsets", partitionData: [.init(index: 0, records: try builder.build())]),
            ])
            let answer = try client.request(produce, version: 9, as: ProduceResponse.self)
            XCTAssertEqual(answer.responses.first?.partitionResponses.first?.errorCode, ErrorCode.invalidTopicException.rawValue)
        }
        try await broker.stop()
    }
}
