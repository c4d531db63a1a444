@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore
import XCTest

/// What a `ClusterMember` announces, carried out on two real brokers: the leader takes writes and
/// answers acks=all once the follower (copying over the network) has them; a lost lease fences the
/// leader; the follower, made leader at a newer epoch, takes over where the log ends.
final class BrokerReplicaRolesTests: XCTestCase {
    private let tp = TopicPartition(topic: "roles", partition: 0)

    private func produce(_ broker: TestBroker, _ value: String, acks: Int16 = -1) throws -> ProduceResponse.PartitionProduceResponse {
        let client = try RawKafkaClient(port: broker.port)
        let request = ProduceRequest(acks: acks, timeoutMs: 15_000, topicData: [
            .init(name: tp.topic, partitionData: [.init(index: 0, records: try ReplicationFetchSupport.batch(value))]),
        ])
        return try XCTUnwrap(try client.request(request, version: 9, as: ProduceResponse.self).responses.first?
            .partitionResponses.first)
    }

    func testLeaderFollowerFencingAndTakeover() async throws {
        let one = try await TestBroker { $0.nodeId = 1 }
        defer { one.removeData() }
        let two = try await TestBroker { $0.nodeId = 2 }
        defer { two.removeData() }
        var failure: Error?
        do {
            for broker in [one, two] {
                try await broker.broker.topics.createTopic(name: tp.topic, partitions: 1, replicationFactor: 1, configs: [:],
                                                     validateOnly: false)
            }
            let roles1 = BrokerReplicaRoles(broker: one.broker)
            let roles2 = BrokerReplicaRoles(broker: two.broker)
            await roles1.becomeLeader(tp, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2], partitionEpoch: 1)
            await roles2.becomeFollower(tp, leader: 1, endpoint: BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: Int32(one.port)),
                                        leaderEpoch: 1)

            // acks=all on the leader completes because the follower fetched and fsynced it.
            let first = try produce(one, "a")
            XCTAssertEqual(first.errorCode, 0)
            XCTAssertEqual(first.baseOffset, 0)
            XCTAssertEqual(try produce(two, "b").errorCode, ErrorCode.notLeaderOrFollower.rawValue)

            // The lease is lost: the old leader must stop taking writes at once.
            await roles1.fenceLeaderships()
            XCTAssertEqual(try produce(one, "c", acks: 1).errorCode, ErrorCode.notLeaderOrFollower.rawValue)

            // The controller elects broker 2 at epoch 2 with itself as the ISR: it continues the log.
            await roles2.becomeLeader(tp, leaderEpoch: 2, isr: [2], replicas: [1, 2], partitionEpoch: 2)
            let takeover = try produce(two, "d")
            XCTAssertEqual(takeover.errorCode, 0)
            XCTAssertEqual(takeover.baseOffset, 1, "the acknowledged record is kept and the log continues after it")

            // The routing view reaches Metadata.
            let view = ClusterView(brokers: [BrokerEndpoint(nodeId: 1, host: "h1", port: 1), BrokerEndpoint(nodeId: 2, host: "h2", port: 2)],
                                   controllerId: 2, partitions: [:])
            await roles2.clusterViewChanged(view)
            XCTAssertEqual(two.broker.clusterView.controllerId, 2)
            XCTAssertEqual(two.broker.clusterView.brokers.map(\.nodeId), [1, 2])
        } catch {
            failure = error
        }
        try await two.stop()
        try await one.stop()
        if let failure { throw failure }
    }
}
