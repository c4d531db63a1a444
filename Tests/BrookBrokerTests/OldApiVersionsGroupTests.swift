@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// OffsetCommit v0/v1 and OffsetFetch v0 through a real broker: commits land in the coordinator
/// (durably, in `__consumer_offsets`) and every OffsetFetch version sees them; v1's generation and
/// member are checked as for v2+. sarama 1.22 commits with v1, kafka-python `api_version=(0, 10)`
/// fetches with v1 and commits with v2, old librdkafka fallbacks use v0.
final class OldApiVersionsGroupTests: XCTestCase {
    private func commit(_ client: RawKafkaClient, group: String, version: Int16, offset: Int64, metadata: String? = "m",
                        commitTimestamp: Int64 = -1, generation: Int32 = -1, member: String = "",
                        partitions: [Int32] = [0, 1]) throws -> [Int16] {
        let request = OffsetCommitRequest(groupId: group, generationIdOrMemberEpoch: generation, memberId: member, topics: [
            .init(name: "t", partitions: partitions.map {
                .init(partitionIndex: $0, committedOffset: offset, commitTimestamp: commitTimestamp, committedMetadata: metadata)
            }),
        ])
        let response = try client.request(request, version: version, as: OffsetCommitResponse.self)
        return response.topics.flatMap { $0.partitions.map(\.errorCode) }
    }

    /// (offset, metadata, error) of partitions 0 and 1 of `t` for `group`, read at `version`.
    private func fetch(_ client: RawKafkaClient, group: String, version: Int16, topicId: KafkaUUID)
        throws -> [(Int64, String?, Int16)] {
        if version >= 8 {
            let request = OffsetFetchRequest(groups: [
                .init(groupId: group, topics: [.init(name: "t", topicId: topicId, partitionIndexes: [0, 1])]),
            ])
            let response = try client.request(request, version: version, as: OffsetFetchResponse.self)
            let group = try XCTUnwrap(response.groups.first)
            XCTAssertEqual(group.errorCode, 0)
            return (group.topics.first?.partitions ?? []).map { ($0.committedOffset, $0.metadata, $0.errorCode) }
        }
        let request = OffsetFetchRequest(groupId: group, topics: [.init(name: "t", partitionIndexes: [0, 1])])
        let response = try client.request(request, version: version, as: OffsetFetchResponse.self)
        XCTAssertEqual(response.errorCode, 0)
        return (response.topics.first?.partitions ?? []).map { ($0.committedOffset, $0.metadata, $0.errorCode) }
    }

    func testVersion0And1CommitsAreSeenByEveryFetchVersionAndSurviveRestart() async throws {
        let dir = TestBroker.makeTempDir()
        var broker = try await GroupTestSupport.broker(dataDir: dir)
        defer { broker.removeData() }
        let topicId: KafkaUUID
        do {
            let topic = try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:],
                                                             validateOnly: false)
            topicId = try XCTUnwrap(topic?.id)
            let client = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try commit(client, group: "g0", version: 0, offset: 10, metadata: "zero"), [0, 0])
            XCTAssertEqual(try commit(client, group: "g1", version: 1, offset: 11, metadata: nil, commitTimestamp: 1_700_000_000_000),
                           [0, 0])
        }
        try await broker.stop()
        broker = try await GroupTestSupport.broker(dataDir: dir)
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version in Int16(0)...10 {
                let g0 = try fetch(client, group: "g0", version: version, topicId: topicId)
                XCTAssertEqual(g0.map(\.0), [10, 10], "v\(version)")
                XCTAssertEqual(g0.map(\.1), ["zero", "zero"], "v\(version)")
                XCTAssertEqual(g0.map(\.2), [0, 0], "v\(version)")
                let g1 = try fetch(client, group: "g1", version: version, topicId: topicId)
                XCTAssertEqual(g1.map(\.0), [11, 11], "v\(version)")
                XCTAssertEqual(g1.map(\.1), ["", ""], "v\(version): null metadata is stored as empty")
            }
            // Nothing committed: offset -1 at v0 as at v1.
            XCTAssertEqual(try fetch(client, group: "none", version: 0, topicId: topicId).map(\.0), [-1, -1])
        }
        try await broker.stop()
    }

    func testVersion1ChecksGenerationAndMemberAndVersion0IsASimpleCommit() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let joined = try GroupTestSupport.join(client, group: "active")
            _ = try client.request(SyncGroupRequest(groupId: "active", generationId: joined.generationId, memberId: joined.memberId),
                                   version: 3, as: SyncGroupResponse.self)
            let generation = joined.generationId
            XCTAssertEqual(try commit(client, group: "active", version: 1, offset: 5, generation: generation,
                                      member: joined.memberId), [0, 0])
            XCTAssertEqual(try commit(client, group: "active", version: 1, offset: 6, generation: generation + 1,
                                      member: joined.memberId), [22, 22], "ILLEGAL_GENERATION")
            XCTAssertEqual(try commit(client, group: "active", version: 1, offset: 6, generation: generation, member: "ghost"),
                           [25, 25], "UNKNOWN_MEMBER_ID")
            // v0 has no member: against a group with members it is refused as Kafka's coordinator does
            // for a generation -1 commit; against an unknown group it creates a simple group.
            XCTAssertEqual(try commit(client, group: "active", version: 0, offset: 6), [25, 25])
            XCTAssertEqual(try commit(client, group: "fresh", version: 0, offset: 6), [0, 0])
            XCTAssertEqual(try fetch(client, group: "active", version: 0, topicId: .zero).map(\.0), [5, 5])
            // Unknown topics and partitions are answered per partition at v0 too.
            let request = OffsetCommitRequest(groupId: "fresh", topics: [
                .init(name: "nope", partitions: [.init(partitionIndex: 0, committedOffset: 1)]),
                .init(name: "t", partitions: [.init(partitionIndex: 9, committedOffset: 1)]),
            ])
            let response = try client.request(request, version: 0, as: OffsetCommitResponse.self)
            XCTAssertEqual(response.topics.map { $0.partitions.map(\.errorCode) }, [[3], [3]])
        }
        try await broker.stop()
    }
}
