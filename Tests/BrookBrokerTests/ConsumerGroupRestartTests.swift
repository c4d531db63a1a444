@testable import BrookBroker
import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// KIP-848 groups across a real broker restart: members keep their epochs and assignments.
final class ConsumerGroupRestartTests: XCTestCase {
    private func heartbeat(_ client: RawKafkaClient, member: String, epoch: Int32,
                           owned: [ConsumerGroupHeartbeatRequest.RequestTopicPartitions]?,
                           join: Bool = false) throws -> ConsumerGroupHeartbeatResponse {
        let request = ConsumerGroupHeartbeatRequest(
            groupId: "cg", memberId: member, memberEpoch: epoch, rebalanceTimeoutMs: join ? 30_000 : -1,
            subscribedTopicNames: join ? ["t"] : nil, topicPartitions: owned)
        return try client.request(request, version: 0, as: ConsumerGroupHeartbeatResponse.self)
    }

    func testMembersKeepEpochsAndAssignmentsAcrossARestart() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var members: [(id: String, epoch: Int32, owned: [ConsumerGroupHeartbeatRequest.RequestTopicPartitions])] = []
        var groupEpoch: Int32 = 0
        do {
            let broker = try await GroupTestSupport.broker(dataDir: dataDir)
            try await broker.broker.topics.createTopic(name: "t", partitions: 4, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            for _ in 0..<2 {
                let joined = try heartbeat(client, member: "", epoch: 0, owned: [], join: true)
                XCTAssertEqual(joined.errorCode, 0)
                members.append((try XCTUnwrap(joined.memberId), joined.memberEpoch, []))
            }
            // Heartbeat until both own their share (the first gives up half of what it had).
            for _ in 0..<6 {
                for i in members.indices {
                    let answer = try heartbeat(client, member: members[i].id, epoch: members[i].epoch, owned: members[i].owned)
                    XCTAssertEqual(answer.errorCode, 0)
                    members[i].epoch = answer.memberEpoch
                    if let assignment = answer.assignment {
                        members[i].owned = assignment.topicPartitions.map { .init(topicId: $0.topicId, partitions: $0.partitions) }
                    }
                }
            }
            XCTAssertEqual(members.map { $0.owned.flatMap(\.partitions).count }, [2, 2])
            let described = try client.request(ConsumerGroupDescribeRequest(groupIds: ["cg"]), version: 0,
                                               as: ConsumerGroupDescribeResponse.self)
            XCTAssertEqual(described.groups.first?.groupState, "Stable")
            groupEpoch = try XCTUnwrap(described.groups.first?.groupEpoch)
            try await broker.stop()
        }
        let restarted = try await GroupTestSupport.broker(dataDir: dataDir)
        do {
            let client = try RawKafkaClient(port: restarted.port)
            let described = try client.request(ConsumerGroupDescribeRequest(groupIds: ["cg"]), version: 0,
                                               as: ConsumerGroupDescribeResponse.self)
            let group = try XCTUnwrap(described.groups.first)
            XCTAssertEqual(group.errorCode, 0)
            XCTAssertEqual(group.groupState, "Stable")
            XCTAssertEqual(group.groupEpoch, groupEpoch)
            XCTAssertEqual(Set(group.members.map(\.memberId)), Set(members.map(\.id)))
            // Each member heartbeats with the epoch it had: same epoch, same partitions, no rebalance.
            for member in members {
                let answer = try heartbeat(client, member: member.id, epoch: member.epoch, owned: member.owned)
                XCTAssertEqual(answer.errorCode, 0, member.id)
                XCTAssertEqual(answer.memberEpoch, member.epoch, member.id)
                if let assignment = answer.assignment {
                    XCTAssertEqual(assignment.topicPartitions.flatMap(\.partitions).sorted(),
                                   member.owned.flatMap(\.partitions).sorted())
                }
            }
            let after = try client.request(ConsumerGroupDescribeRequest(groupIds: ["cg"]), version: 0,
                                           as: ConsumerGroupDescribeResponse.self)
            XCTAssertEqual(after.groups.first?.groupEpoch, groupEpoch)
        }
        try await restarted.stop()
    }
}
