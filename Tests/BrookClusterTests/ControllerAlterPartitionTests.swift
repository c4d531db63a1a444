import BrookCluster
import BrookStorage
import XCTest

/// AlterPartition: what a leader's ISR change needs to be accepted, and Kafka's error for each refusal.
final class ControllerAlterPartitionTests: XCTestCase {
    private typealias F = ControllerFixtures
    private let p0 = ControllerFixtures.partition(0)

    private func controller(isr: [Int32] = [1, 2, 3], minInsync: Int = 1) -> ControllerState {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 5, isr: isr, partitionEpoch: 8)
        return F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]], states: [state],
                       policy: TopicElectionPolicy(minInsyncReplicas: minInsync))
    }

    private func request(_ isr: [Int32], from broker: Int32 = 1, leaderEpoch: Int32 = 5,
                         partitionEpoch: Int32 = 8) -> AlterPartitionRequest {
        AlterPartitionRequest(brokerId: broker, partition: p0, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch,
                              newIsr: isr)
    }

    func testShrinkIsAcceptedAndWrittenExpectingTheOldPartitionEpoch() {
        var controller = controller()
        let answer = controller.alterPartition(request([1, 3]))
        let expected = PartitionLeadershipState(leader: 1, leaderEpoch: 5, isr: [1, 3], partitionEpoch: 9)
        XCTAssertEqual(answer.result, .success(expected))
        XCTAssertEqual(answer.effects, [.writePartitionState(p0, expected, expectedPartitionEpoch: 8)])
        XCTAssertEqual(controller.snapshot.partitions[p0], expected)
    }

    func testExpansionWithALiveReplicaIsAccepted() {
        var controller = controller(isr: [1])
        XCTAssertEqual(controller.alterPartition(request([1, 2])).result,
                       .success(PartitionLeadershipState(leader: 1, leaderEpoch: 5, isr: [1, 2], partitionEpoch: 9)))
    }

    func testShrinkBelowMinInsyncMovesTheLeaversToTheElr() {
        var controller = controller(minInsync: 2)
        XCTAssertEqual(controller.alterPartition(request([1, 2])).result.map(\.elr), .success([]))
        XCTAssertEqual(controller.alterPartition(request([1], partitionEpoch: 9)).result.map(\.elr), .success([2]))
        XCTAssertEqual(controller.alterPartition(request([1, 3], partitionEpoch: 10)).result.map(\.elr), .success([]))
    }

    func testRefusals() {
        var controller = controller()
        let before = controller.snapshot
        XCTAssertEqual(controller.alterPartition(request([1, 2], leaderEpoch: 4)).result, .failure(.fencedLeaderEpoch))
        XCTAssertEqual(controller.alterPartition(request([1, 2], leaderEpoch: 6)).result, .failure(.fencedLeaderEpoch))
        XCTAssertEqual(controller.alterPartition(request([1, 2], partitionEpoch: 7)).result, .failure(.invalidUpdateVersion))
        guard case .failure(.invalidRequest) = controller.alterPartition(request([2, 3], from: 2)).result else {
            return XCTFail("a follower's request accepted")
        }
        guard case .failure(.invalidRequest) = controller.alterPartition(request([2, 3])).result else {
            return XCTFail("an ISR without the leader accepted")
        }
        guard case .failure(.invalidRequest) = controller.alterPartition(request([1, 4])).result else {
            return XCTFail("a non-replica accepted")
        }
        guard case .failure(.invalidRequest) = controller.alterPartition(request([1, 1])).result else {
            return XCTFail("a duplicate accepted")
        }
        var unknown = request([1])
        unknown.partition = F.partition(7)
        XCTAssertEqual(controller.alterPartition(unknown).result, .failure(.unknownTopicOrPartition))
        var stale = request([1])
        stale.brokerIncarnation = 0
        XCTAssertEqual(controller.alterPartition(stale).result, .failure(.staleBrokerEpoch))
        XCTAssertEqual(controller.snapshot, before, "a refusal changes nothing")
    }

    func testIneligibleMembers() {
        var controller = controller(isr: [1])
        _ = controller.brokerExpired(3)
        XCTAssertEqual(controller.alterPartition(request([1, 3])).result, .failure(.ineligibleReplica(3)))
        var restarted = request([1, 2])
        restarted.memberIncarnations = [2: 0]  // the leader saw an earlier run of broker 2 fetch
        XCTAssertEqual(controller.alterPartition(restarted).result, .failure(.ineligibleReplica(2)))
        restarted.memberIncarnations = [2: 1]
        XCTAssertEqual(controller.alterPartition(restarted).result.map(\.isr), .success([1, 2]))
    }

    func testMemberInControlledShutdownIsIneligible() {
        var controller = controller(isr: [1])
        _ = controller.controlledShutdown(of: 2)
        XCTAssertEqual(controller.alterPartition(request([1, 2])).result, .failure(.ineligibleReplica(2)))
    }

    func testLeaderInControlledShutdownHandsOverWithNewLeaderElected() {
        var snapshot = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]],
                               states: [PartitionLeadershipState(leader: 1, leaderEpoch: 5, isr: [1], partitionEpoch: 8)])
            .snapshot
        snapshot.shuttingDown = [1]
        var controller = ControllerState(snapshot: snapshot)
        let answer = controller.alterPartition(request([1, 2]))
        XCTAssertEqual(answer.result, .failure(.newLeaderElected))
        let expected = PartitionLeadershipState(leader: 2, leaderEpoch: 6, isr: [2], partitionEpoch: 9)
        XCTAssertEqual(answer.effects, [.writePartitionState(p0, expected, expectedPartitionEpoch: 8)])
        // With no one to hand over to, it keeps leading.
        var alone = ControllerState(snapshot: snapshot)
        XCTAssertEqual(alone.alterPartition(request([1])).result.map(\.leader), .success(1))
    }

    func testUnchangedIsrWritesNothing() {
        var controller = controller()
        let answer = controller.alterPartition(request([1, 2, 3]))
        XCTAssertEqual(answer.effects, [])
        XCTAssertEqual(answer.result.map(\.partitionEpoch), .success(8))
    }
}
