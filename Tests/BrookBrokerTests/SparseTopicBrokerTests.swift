@testable import BrookBroker
import BrookCluster
import BrookProtocol
import NIOCore
import XCTest

/// Two brokers (nodes 1 and 2) apply the same stored topic, placed [[1], [2], [1], [2]], and route
/// with the same two-broker view: each lists every partition in Metadata and DescribeTopicPartitions,
/// serves its own, answers NOT_LEADER_OR_FOLLOWER for the other's (clients then refresh metadata and
/// go to the leader) and UNKNOWN_TOPIC_OR_PARTITION beyond the topic's count.
final class SparseTopicBrokerTests: XCTestCase {
    private static let placed: [[Int32]] = [[1], [2], [1], [2]]

    private func view(_ one: TestBroker, _ two: TestBroker) -> ClusterView {
        ClusterView(
            brokers: [BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: Int32(one.port)),
                      BrokerEndpoint(nodeId: 2, host: "127.0.0.1", port: Int32(two.port))],
            controllerId: 1,
            partitions: ["orders": Self.placed.map { PartitionRouting(leader: $0[0], leaderEpoch: 0, replicas: $0, isr: $0) }])
    }

    /// Starts nodes 1 and 2, applies the placed topic to both and gives both the routing view.
    private func run(_ body: (TestBroker, TestBroker) async throws -> Void) async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            let record = TopicMetadataRecord(name: "orders", topicId: .random(), replicaAssignment: Self.placed,
                                             configs: [:], version: MetadataVersion(revision: 1_000))
            for broker in [one, two] {
                try await broker.broker.topics.apply(.topicCreated(record)).get()
                broker.broker.replaceClusterView(view(one, two))
            }
            try await body(one, two)
        }
    }

    func testEveryBrokerListsEveryPartition() async throws {
        try await run { one, two in
            for broker in [one, two] {
                let client = try RawKafkaClient(port: broker.port)
                let metadata = try client.request(MetadataRequest(topics: nil), version: 12, as: MetadataResponse.self)
                let orders = try XCTUnwrap(metadata.topics.first { $0.name == "orders" })
                XCTAssertEqual(orders.errorCode, 0)
                XCTAssertEqual(orders.partitions.map(\.partitionIndex), [0, 1, 2, 3])
                XCTAssertEqual(orders.partitions.map(\.leaderId), [1, 2, 1, 2])
                XCTAssertEqual(orders.partitions.map(\.replicaNodes), Self.placed)
                XCTAssertEqual(metadata.brokers.map(\.nodeId), [1, 2])

                let described = try client.request(DescribeTopicPartitionsRequest(topics: [.init(name: "orders")]), version: 0,
                                                    as: DescribeTopicPartitionsResponse.self)
                let topic = try XCTUnwrap(described.topics.first)
                XCTAssertEqual(topic.errorCode, 0)
                XCTAssertEqual(topic.partitions.map(\.partitionIndex), [0, 1, 2, 3])
                XCTAssertEqual(topic.partitions.map(\.leaderId), [1, 2, 1, 2])
            }
        }
    }

    func testAPartitionHostedElsewhereIsNotLeaderOrFollower() async throws {
        try await run { one, two in
            let client = try RawKafkaClient(port: one.port)
            let produce = ProduceRequest(acks: 1, timeoutMs: 5_000, topicData: [
                .init(name: "orders", partitionData: try (0...4).map {
                    .init(index: $0, records: try ReplicationFetchSupport.batch("v\($0)"))
                }),
            ])
            let produced = try XCTUnwrap(try client.request(produce, version: 9, as: ProduceResponse.self).responses.first)
            let codes = produced.partitionResponses.sorted { $0.index < $1.index }.map(\.errorCode)
            let notLeader = ErrorCode.notLeaderOrFollower.rawValue
            let unknown = ErrorCode.unknownTopicOrPartition.rawValue
            XCTAssertEqual(codes, [0, notLeader, 0, notLeader, unknown])

            // The same partition on its own broker takes the write.
            let onTwo = try RawKafkaClient(port: two.port)
            let second = ProduceRequest(acks: 1, timeoutMs: 5_000, topicData: [
                .init(name: "orders", partitionData: [.init(index: 1, records: try ReplicationFetchSupport.batch("x"))]),
            ])
            XCTAssertEqual(try onTwo.request(second, version: 9, as: ProduceResponse.self).responses.first?
                .partitionResponses.first?.errorCode, 0)

            // Reads: Fetch and ListOffsets answer the same way.
            XCTAssertEqual(try ReplicationFetchSupport.fetch(client, FetchRequest(
                replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, topics: [
                    .init(topic: "orders", partitions: [.init(partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20)]),
                ])).errorCode, notLeader)
            let offsets = try client.request(ListOffsetsRequest(replicaId: -1, topics: [
                .init(name: "orders", partitions: [0, 1, 4].map { .init(partitionIndex: $0, timestamp: -1) }),
            ]), version: 7, as: ListOffsetsResponse.self)
            let answers = try XCTUnwrap(offsets.topics.first).partitions.sorted { $0.partitionIndex < $1.partitionIndex }
            XCTAssertEqual(answers.map(\.errorCode), [0, notLeader, unknown])
            XCTAssertEqual(answers.first?.offset, 1, "partition 0 took one record")

            // DescribeLogDirs lists only the partitions with a log here.
            let dirs = try client.request(DescribeLogDirsRequest(topics: nil), version: 4, as: DescribeLogDirsResponse.self)
            let listed = try XCTUnwrap(dirs.results.first).topics.first { $0.name == "orders" }
            XCTAssertEqual(listed?.partitions.map(\.partitionIndex).sorted(), [0, 2])
        }
    }
}
