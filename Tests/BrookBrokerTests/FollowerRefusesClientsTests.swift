@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// A broker that follows a partition refuses clients' produce there, and consume before Fetch v11,
/// with NOT_LEADER_OR_FOLLOWER (Kafka's answer, on which clients refresh metadata and go to the
/// leader); v11+ consumer fetches it serves up to its high watermark (KIP-392). It takes writes
/// again once it leads.
final class FollowerRefusesClientsTests: XCTestCase {
    func testProduceAndFetchAreRefusedWhileFollowingAndServedOnceLeading() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: "t")?.partition(0))
        let client = try RawKafkaClient(port: broker.port)

        func produce() throws -> ProduceResponse.PartitionProduceResponse {
            let request = ProduceRequest(acks: 1, timeoutMs: 5000, topicData: [
                .init(name: "t", partitionData: [.init(index: 0, records: try ReplicationFetchSupport.batch("v"))]),
            ])
            return try XCTUnwrap(try client.request(request, version: 9, as: ProduceResponse.self).responses.first?
                .partitionResponses.first)
        }
        XCTAssertEqual(try produce().errorCode, 0, "a single node leads its partitions")

        try await partition.updateReplica { state in
            _ = state.becameFollower(leader: 2, epoch: 1)
            return []
        }.get()
        XCTAssertEqual(try produce().errorCode, ErrorCode.notLeaderOrFollower.rawValue)
        // Before Fetch v11 consumers read from the leader only.
        let consumerFetch = try ReplicationFetchSupport.fetch(
            client, ReplicationFetchSupport.fetchRequest("t", replicaId: -1, offset: 0), version: 10)
        XCTAssertEqual(consumerFetch.errorCode, ErrorCode.notLeaderOrFollower.rawValue)
        XCTAssertEqual(consumerFetch.records?.readableBytes ?? 0, 0)
        // From v11 a follower serves them up to its high watermark, as Kafka does (KIP-392).
        let fromFollower = try ReplicationFetchSupport.fetch(
            client, ReplicationFetchSupport.fetchRequest("t", replicaId: -1, offset: 0))
        XCTAssertEqual(fromFollower.errorCode, 0)
        XCTAssertEqual(ReplicationFetchSupport.batches(fromFollower.records).map(\.offset), [0])

        try await ReplicationFetchSupport.lead(partition, epoch: 2, replicas: [broker.broker.config.nodeId])
        let produced = try produce()
        XCTAssertEqual(produced.errorCode, 0)
        XCTAssertEqual(produced.baseOffset, 1)
        let fetched = try ReplicationFetchSupport.fetch(
            client, ReplicationFetchSupport.fetchRequest("t", replicaId: -1, offset: 0))
        XCTAssertEqual(fetched.errorCode, 0)
        XCTAssertEqual(ReplicationFetchSupport.batches(fetched.records).map(\.epoch), [0, 2])
        try await broker.stop()
    }
}
