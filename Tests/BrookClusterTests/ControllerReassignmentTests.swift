@testable import BrookCluster
import BrookStorage
import Foundation
import XCTest

/// Partition reassignment (KIP-455) in the controller's state machine: the widened replica set, the
/// completion once the target replicas are in sync (moving leadership off a removed leader), the
/// cancel, a replaced reassignment, and a new controller resuming one from the stored records.
final class ControllerReassignmentTests: XCTestCase {
    private typealias F = ControllerFixtures
    private let p0 = ControllerFixtures.partition(0)

    /// The replica sets and records the effects write.
    private func steps(_ effects: [ControllerEffect]) -> [([Int32], PartitionLeadershipState)] {
        effects.compactMap {
            if case .writeReassignment(_, let replicas, let state, _) = $0 { return (replicas, state) }
            return nil
        }
    }

    /// The leader's ISR change as the controller observes it, then its decision.
    private func observeIsr(_ controller: inout ControllerState, _ isr: [Int32]) -> [ControllerEffect] {
        var state = controller.snapshot.partitions[p0]!
        state.isr = isr
        state.partitionEpoch += 1
        controller.observed(p0, state: state)
        return controller.reconcile(p0)
    }

    func testAddingAReplicaWidensTheSetAndCompletesOnceItIsInSync() throws {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2]])
        let answer = controller.reassign(p0, to: [1, 2, 3])
        XCTAssertEqual(try answer.result.get(), [1, 2, 3])
        let started = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1, addingReplicas: [3])
        XCTAssertEqual(answer.effects, [.writeReassignment(p0, replicas: [1, 2, 3], state: started, expectedPartitionEpoch: 0)])
        XCTAssertEqual(controller.snapshot.assignment(p0)?.replicas, [1, 2, 3])
        XCTAssertEqual(controller.ongoingReassignments(),
                       [OngoingReassignment(partition: p0, replicas: [1, 2, 3], adding: [3], removing: [])])

        let done = steps(observeIsr(&controller, [1, 2, 3]))
        XCTAssertEqual(done.count, 1)
        XCTAssertEqual(done.first?.0, [1, 2, 3])
        XCTAssertEqual(done.first?.1, PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2, 3], partitionEpoch: 3))
        XCTAssertEqual(controller.ongoingReassignments(), [])
        XCTAssertEqual(controller.reconcile(p0), [], "nothing more to do")
    }

    func testMovingEveryReplicaWaitsForAllTargetsThenMovesLeadershipAndDropsTheOldReplicas() throws {
        var controller = F.state(brokers: [1, 2, 3, 4], assignments: [[1, 2]])
        let answer = controller.reassign(p0, to: [3, 4])
        XCTAssertEqual(try answer.result.get(), [3, 4, 1, 2], "the target first, then the replicas leaving")
        XCTAssertEqual(steps(answer.effects).first?.1,
                       PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1,
                                                addingReplicas: [3, 4], removingReplicas: [1, 2]))

        XCTAssertEqual(observeIsr(&controller, [1, 2, 3]), [], "broker 4 is not in sync yet")
        XCTAssertEqual(controller.ongoingReassignments().first?.adding, [3, 4])

        let done = steps(observeIsr(&controller, [1, 2, 3, 4]))
        XCTAssertEqual(done.first?.0, [3, 4])
        XCTAssertEqual(done.first?.1, PartitionLeadershipState(leader: 3, leaderEpoch: 1, isr: [3, 4], partitionEpoch: 4),
                       "the removed leader hands over to the first target replica; the leader epoch moves")
        XCTAssertEqual(controller.snapshot.assignment(p0)?.replicas, [3, 4])
    }

    func testShrinkingToReplicasInSyncCompletesAtOnce() throws {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]])
        let answer = controller.reassign(p0, to: [2, 3])
        XCTAssertEqual(try answer.result.get(), [2, 3])
        XCTAssertEqual(steps(answer.effects).map(\.1),
                       [PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 1)])
        XCTAssertEqual(controller.ongoingReassignments(), [])
    }

    func testCancelRemovesTheAddedReplicasAndKeepsTheOnesBeingRemoved() throws {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2]])
        _ = controller.reassign(p0, to: [2, 3])
        _ = observeIsr(&controller, [1, 2])
        let answer = controller.reassign(p0, to: nil)
        XCTAssertEqual(try answer.result.get(), [2, 1])
        XCTAssertEqual(steps(answer.effects).map(\.1),
                       [PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 3)])
        XCTAssertEqual(controller.ongoingReassignments(), [])
        XCTAssertEqual(controller.reassign(p0, to: nil).result, .failure(.noReassignmentInProgress))
    }

    func testCancelRefusedWhenOnlyAddedReplicasAreInSyncAndUncleanElectionIsOff() {
        let reassigning = PartitionLeadershipState(leader: 3, leaderEpoch: 2, isr: [3], partitionEpoch: 5,
                                                   addingReplicas: [3], removingReplicas: [1])
        var controller = F.state(brokers: [1, 3], assignments: [[3, 1]], states: [reassigning])
        guard case .failure(.invalidReplicaAssignment) = controller.reassign(p0, to: nil).result else {
            return XCTFail("a revert that needs an unclean election is refused")
        }
        XCTAssertEqual(controller.snapshot.partitions[p0], reassigning)
    }

    func testANewTargetReplacesTheReassignmentInFlight() throws {
        var controller = F.state(brokers: [1, 2, 3, 4], assignments: [[1, 2]])
        _ = controller.reassign(p0, to: [3])
        let answer = controller.reassign(p0, to: [1, 4])
        XCTAssertEqual(try answer.result.get(), [1, 4, 2], "computed from [1, 2], broker 3 is dropped")
        XCTAssertEqual(steps(answer.effects).first?.1.addingReplicas, [4])
        XCTAssertEqual(steps(answer.effects).first?.1.removingReplicas, [2])
    }

    func testInvalidTargetsAreRefusedWithKafkasErrors() {
        var controller = F.state(brokers: [1, 2], assignments: [[1, 2]])
        XCTAssertEqual(controller.reassign(p0, to: [1, 9]).result, .failure(.invalidReplicaAssignment(
            "The manual partition assignment includes broker 9, but no such broker is registered.")))
        XCTAssertEqual(controller.reassign(p0, to: [2, 2]).result, .failure(.invalidReplicaAssignment(
            "The manual partition assignment includes the broker 2 more than once.")))
        XCTAssertEqual(controller.reassign(p0, to: []).result, .failure(.invalidReplicaAssignment(
            "The manual partition assignment includes an empty replica list.")))
        XCTAssertEqual(controller.reassign(F.partition(7), to: [1]).result, .failure(.unknownTopicOrPartition))
        XCTAssertEqual(controller.reassign(p0, to: [1, 2]).effects, [], "the same replicas: nothing to write")
    }

    func testANewControllerResumesAndCompletesAReassignmentFromTheStoredRecords() {
        // What a previous controller stored: the widened set, and the record naming the moves;
        // the new replica caught up while no controller watched.
        let stored = PartitionLeadershipState(leader: 1, leaderEpoch: 3, isr: [1, 2, 3], partitionEpoch: 8,
                                              addingReplicas: [3], removingReplicas: [1])
        var controller = F.state(brokers: [1, 2, 3], assignments: [[2, 3, 1]], states: [stored])
        XCTAssertEqual(controller.ongoingReassignments(),
                       [OngoingReassignment(partition: p0, replicas: [2, 3, 1], adding: [3], removing: [1])])
        let done = steps(controller.reconcileAll())
        XCTAssertEqual(done.first?.0, [2, 3])
        XCTAssertEqual(done.first?.1, PartitionLeadershipState(leader: 2, leaderEpoch: 4, isr: [2, 3], partitionEpoch: 9))
    }

    func testTheRecordKeepsTheReassignmentInItsJsonOnlyWhileOneIsInFlight() throws {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 1,
                                             addingReplicas: [2], removingReplicas: [1])
        let encoded = try JSONEncoder().encode(state)
        XCTAssertEqual(try JSONDecoder().decode(PartitionLeadershipState.self, from: encoded), state)
        let plain = String(decoding: try JSONEncoder().encode(PartitionLeadershipState.initial(replicas: [1])), as: UTF8.self)
        XCTAssertFalse(plain.contains("Replicas"))
    }
}
