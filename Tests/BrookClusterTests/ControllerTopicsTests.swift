import BrookCluster
import BrookStorage
import XCTest

/// CreateTopics and CreatePartitions: assignments, first partition records, Kafka's errors.
final class ControllerTopicsTests: XCTestCase {
    private typealias F = ControllerFixtures

    private func empty(brokers: [Int32], shuttingDown: Set<Int32> = []) -> ControllerState {
        var snapshot = ControllerSnapshot(shuttingDown: shuttingDown)
        for id in brokers { snapshot.liveBrokers[id] = F.broker(id) }
        return ControllerState(snapshot: snapshot)
    }

    func testCreateTopicWritesTheAssignmentThenEachPartitionsFirstRecord() throws {
        var controller = empty(brokers: [1, 2, 3])
        let answer = controller.createTopic("orders", partitionCount: 6, replicationFactor: 3,
                                            policy: TopicElectionPolicy(minInsyncReplicas: 2))
        let assignments = try answer.result.get()
        XCTAssertEqual(answer.effects.count, 7)
        XCTAssertEqual(answer.effects[0], .writeTopicAssignment(topic: "orders", assignments: assignments, create: true,
                                                                previousPartitionCount: 0))
        for (index, assignment) in assignments.enumerated() {
            let partition = F.partition(Int32(index), of: "orders")
            let first = PartitionLeadershipState(leader: assignment.replicas[0], leaderEpoch: 0, isr: assignment.replicas,
                                                 partitionEpoch: 0)
            XCTAssertEqual(answer.effects[index + 1], .writePartitionState(partition, first, expectedPartitionEpoch: nil))
            XCTAssertEqual(controller.snapshot.partitions[partition], first)
        }
        XCTAssertEqual(controller.snapshot.topics["orders"]?.policy.minInsyncReplicas, 2)
        XCTAssertEqual(controller.createTopic("orders", partitionCount: 1, replicationFactor: 1).result,
                       .failure(.topicAlreadyExists("Topic 'orders' already exists.")))
    }

    func testReplicationFactorTooLargeChangesNothing() {
        var controller = empty(brokers: [1, 2])
        let answer = controller.createTopic("t", partitionCount: 1, replicationFactor: 3)
        XCTAssertEqual(answer.result,
                       .failure(.invalidReplicationFactor("Replication factor: 3 larger than available brokers: 2.")))
        XCTAssertEqual(answer.effects, [])
        XCTAssertNil(controller.snapshot.topics["t"])
    }

    func testBrokersShuttingDownTakeNoNewReplicasAndDoNotLead() throws {
        var controller = empty(brokers: [1, 2, 3], shuttingDown: [1])
        let placed = try controller.createTopic("t", partitionCount: 4, replicationFactor: 2).result.get()
        XCTAssertFalse(placed.flatMap(\.replicas).contains(1))
        XCTAssertEqual(controller.createTopic("t", partitionCount: 1, replicationFactor: 3).result,
                       .failure(.topicAlreadyExists("Topic 't' already exists.")))

        var manual = empty(brokers: [1, 2, 3], shuttingDown: [1])
        let answer = manual.createTopic("m", partitionCount: -1, replicationFactor: -1,
                                        assignments: [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1, 2])])
        XCTAssertEqual(try answer.result.get(), [PartitionAssignment(replicas: [1, 2])])
        XCTAssertEqual(manual.snapshot.partitions[F.partition(0, of: "m")],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0))
    }

    func testManualAssignmentsWithCountsIsInvalidRequest() {
        var controller = empty(brokers: [1, 2])
        guard case .failure(.invalidRequest) = controller.createTopic(
            "t", partitionCount: 1, replicationFactor: -1,
            assignments: [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1])]).result
        else { return XCTFail("accepted") }
        XCTAssertEqual(controller.createTopic("t", partitionCount: -1, replicationFactor: -1,
                                              assignments: [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [4])])
            .result, .failure(.invalidReplicaAssignment(
                "The manual partition assignment includes broker 4, but no such broker is registered.")))
    }

    func testCreatePartitionsContinuesFromTheClusterLoad() throws {
        var controller = empty(brokers: [1, 2, 3])
        _ = controller.createTopic("t", partitionCount: 2, replicationFactor: 1, startIndex: 0)  // on 1 and 2
        let answer = controller.createPartitions("t", totalCount: 4)
        let added = try answer.result.get()
        XCTAssertEqual(added.map(\.replicas), [[3], [2]])  // 3 was empty; then all tie, rotation
        XCTAssertEqual(answer.effects.first, .writeTopicAssignment(
            topic: "t", assignments: [[1], [2], [3], [2]].map { PartitionAssignment(replicas: $0) }, create: false,
            previousPartitionCount: 2))
        XCTAssertEqual(F.writes(answer.effects)[F.partition(3)],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2], partitionEpoch: 0))
        XCTAssertEqual(controller.snapshot.topics["t"]?.assignments.count, 4)
    }

    func testCreatePartitionsErrors() {
        var controller = empty(brokers: [1, 2, 3])
        _ = controller.createTopic("t", partitionCount: 3, replicationFactor: 2)
        XCTAssertEqual(controller.createPartitions("t", totalCount: 2).result,
                       .failure(.invalidPartitions("The topic t currently has 3 partition(s); 2 would not be an increase.")))
        XCTAssertEqual(controller.createPartitions("t", totalCount: 3).result,
                       .failure(.invalidPartitions("Topic already has 3 partition(s).")))
        XCTAssertEqual(controller.createPartitions("nope", totalCount: 3).result, .failure(.unknownTopicOrPartition))
        XCTAssertEqual(controller.createPartitions("t", totalCount: 5, assignments: [[1, 2]]).result,
                       .failure(.invalidReplicaAssignment(
                           "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.")))
        guard case .failure(.invalidReplicaAssignment) = controller.createPartitions(
            "t", totalCount: 4, assignments: [[1, 2, 3]]).result
        else { return XCTFail("a replication factor unlike the topic's accepted") }
        XCTAssertEqual(controller.createPartitions("t", totalCount: 4, assignments: [[3, 1]]).result,
                       .success([PartitionAssignment(replicas: [3, 1])]))
    }
}
