@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// OffsetForLeaderEpoch on a broker whose partition holds batches of several leader epochs.
final class OffsetForLeaderEpochTests: XCTestCase {
    private typealias Support = ReplicationFetchSupport

    private func ask(_ client: RawKafkaClient, _ topic: String = "epochs", partition: Int32 = 0, epoch: Int32,
                     current: Int32 = -1, replicaId: Int32 = -1,
                     version: Int16 = 4) throws -> OffsetForLeaderEpochResponse.EpochEndOffset {
        let request = OffsetForLeaderEpochRequest(replicaId: replicaId, topics: [
            .init(topic: topic, partitions: [.init(partition: partition, currentLeaderEpoch: current, leaderEpoch: epoch)]),
        ])
        let response = try client.request(request, version: version, as: OffsetForLeaderEpochResponse.self)
        XCTAssertEqual(response.topics.first?.topic, topic)
        let answer = try XCTUnwrap(response.topics.first?.partitions.first)
        XCTAssertEqual(answer.partition, partition)
        return answer
    }

    /// Epoch 0: offsets 0–1; epoch 2: offset 2; epoch 5: led from offset 3, nothing written yet.
    private func makeEpochs(_ broker: TestBroker) async throws -> Partition {
        try await broker.broker.topics.createTopic(name: "epochs", partitions: 1, replicationFactor: 1, configs: [:],
                                             validateOnly: false)
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: "epochs")?.partition(0))
        try await Support.append(partition, ["a", "b"])
        try await Support.lead(partition, epoch: 2, replicas: [1])
        try await Support.append(partition, ["c"])
        try await Support.lead(partition, epoch: 5, replicas: [1])
        return partition
    }

    func testEndOffsetOfEachEpochForFollowersAndConsumers() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            _ = try await makeEpochs(broker)
            let client = try RawKafkaClient(port: broker.port)
            let expected: [(epoch: Int32, answer: Int32, end: Int64)] = [
                (0, 0, 2), (1, 0, 2), (2, 2, 3), (4, 2, 3), (5, 5, 3), (6, -1, -1),
            ]
            for (replicaId, version) in [(Int32(-1), Int16(4)), (2, 4), (-2, 3), (2, 3), (-1, 2), (-1, 1)] {
                for e in expected {
                    let answer = try ask(client, epoch: e.epoch, replicaId: replicaId, version: version)
                    let label = "epoch \(e.epoch), replica \(replicaId), v\(version)"
                    XCTAssertEqual(answer.errorCode, 0, label)
                    XCTAssertEqual(answer.leaderEpoch, e.answer, label)
                    XCTAssertEqual(answer.endOffset, e.end, label)
                }
            }
            // v0 has no epoch in the answer, only the end offset.
            XCTAssertEqual(try ask(client, epoch: 1, version: 0).endOffset, 2)
            XCTAssertEqual(try ask(client, epoch: -1).leaderEpoch, -1, "no epoch asked: UNDEFINED")
            XCTAssertEqual(try ask(client, epoch: -1).endOffset, -1)
        }
        try await broker.stop()
    }

    func testCurrentLeaderEpochFencingUnknownPartitionsAndFollowers() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            let partition = try await makeEpochs(broker)
            let client = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try ask(client, epoch: 2, current: 4).errorCode, ErrorCode.fencedLeaderEpoch.rawValue)
            XCTAssertEqual(try ask(client, epoch: 2, current: 6).errorCode, ErrorCode.unknownLeaderEpoch.rawValue)
            let fenced = try ask(client, epoch: 2, current: 4)
            XCTAssertEqual(fenced.leaderEpoch, -1)
            XCTAssertEqual(fenced.endOffset, -1)
            XCTAssertEqual(try ask(client, epoch: 2, current: 5).endOffset, 3)
            XCTAssertEqual(try ask(client, epoch: 2, current: 4, version: 1).errorCode, 0,
                           "below v2 the request carries no current epoch")
            XCTAssertEqual(try ask(client, partition: 3, epoch: 0).errorCode, ErrorCode.unknownTopicOrPartition.rawValue)
            XCTAssertEqual(try ask(client, "nope", epoch: 0).errorCode, ErrorCode.unknownTopicOrPartition.rawValue)

            try await partition.updateReplica { state in
                _ = state.becameFollower(leader: 2, epoch: 6)
                return []
            }.get()
            XCTAssertEqual(try ask(client, epoch: 2, current: 6).errorCode, ErrorCode.notLeaderOrFollower.rawValue)
            XCTAssertEqual(try ask(client, epoch: 2).errorCode, ErrorCode.notLeaderOrFollower.rawValue)
            XCTAssertEqual(try ask(client, epoch: 2, current: 5).errorCode, ErrorCode.fencedLeaderEpoch.rawValue,
                           "the epoch is checked before leadership, as Kafka does")
        }
        try await broker.stop()
    }
}
