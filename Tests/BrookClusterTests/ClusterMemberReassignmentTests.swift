@testable import BrookCluster
import BrookEtcd
import BrookStorage
import BrookTestSupport
import Foundation
import XCTest

/// A reassignment through three `ClusterMember`s on a real etcd: only the controller takes it; the
/// topic record and the partition record change in one fenced transaction; the added broker starts
/// following; the leader's ISR expansion lets the controller complete it and the removed broker stops.
final class ClusterMemberReassignmentTests: XCTestCase {
    private static let everyone: Set<Int32> = [1, 2, 3]

    func testAMoveStartsOnTheControllerAndCompletesWhenTheNewReplicaIsInSync() async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let controller = try await cluster.awaitController(brokers: Self.everyone)
            let placed = try await cluster.member(controller).createTopic("t", partitions: 1, replicationFactor: 2)
            let replicas = try expectUnwrap(placed.first?.replicas)
            let added = try expectUnwrap(Self.everyone.subtracting(replicas).first)
            let removed = replicas[1]
            let target = [replicas[0], added]
            let partition = TopicPartition(topic: "t", partition: 0)
            for id in replicas {
                try await cluster.delegate(id).wait("member \(id) holds t-0") { $0.roles[partition] != nil }
            }

            let other = try expectUnwrap(Self.everyone.subtracting([controller]).min())
            await assertEtcdStoreThrows({
                _ = try await cluster.member(other).alterPartitionReassignments([.init(partition: partition, target: target)])
            }) { error in
                guard case ClusterMemberError.notController = error else { return XCTFail("\(error)") }
            }
            let answers = try await cluster.member(controller).alterPartitionReassignments([
                .init(partition: partition, target: target),
                .init(partition: TopicPartition(topic: "t", partition: 5), target: target),
            ])
            XCTAssertEqual(answers.count, 2)
            guard case .success = answers[0], case .failure(.unknownTopicOrPartition) = answers[1] else {
                return XCTFail("\(answers)")
            }

            // Both records, as stored.
            let store = cluster.fixture.clusterState()
            let started = try expectUnwrap(try await store.partitionState(topic: "t", index: 0)).value
            XCTAssertEqual(started.addingReplicas, [added])
            XCTAssertEqual(started.removingReplicas, [removed])
            let topics = try await cluster.fixture.store().loadTopics()
            XCTAssertEqual(topics.first?.replicaAssignment, [target + [removed]])
            let listed = try await cluster.member(controller).partitionReassignments(nil)
            XCTAssertEqual(listed, [OngoingReassignment(partition: partition, replicas: target + [removed],
                                                        adding: [added], removing: [removed])])
            try await cluster.delegate(added).wait("the added broker follows t-0") {
                if case .follower? = $0.roles[partition] { return true }
                return false
            }

            // The leader takes the caught-up replica into the ISR; the controller then completes the move.
            let leader = started.leader
            _ = try await cluster.member(leader).alterPartition(partition, leaderEpoch: started.leaderEpoch,
                                                                partitionEpoch: started.partitionEpoch,
                                                                newIsr: started.isr + [added])
            try await cluster.delegate(removed).wait("the removed broker stops its replica") { $0.roles[partition] == nil }
            let done = try expectUnwrap(try await store.partitionState(topic: "t", index: 0))
            XCTAssertFalse(done.value.isReassigning)
            XCTAssertEqual(Set(done.value.isr), Set(target))
            XCTAssertTrue(target.contains(done.value.leader))
            expectEqual(try await cluster.fixture.store().loadTopics().first?.replicaAssignment, [target])
            expectEqual(try await cluster.member(controller).partitionReassignments(nil), [])

            // A write under an older controller epoch is refused, however current the versions it names.
            let epoch = try expectUnwrap(await cluster.member(controller).controllerEpoch)
            await assertEtcdStoreThrows({
                try await cluster.member(controller).storeReassignment(partition, replicas: replicas, state: done.value,
                                                                       controllerEpoch: epoch - 1)
            }) { error in
                guard case EtcdClusterStateError.fenced = error else { return XCTFail("\(error)") }
            }
        }
    }
}
