@testable import BrookCluster
import BrookEtcd
import BrookTestSupport
import Foundation
import XCTest

/// Brokers, controller election with epoch fencing, and partition-state CAS, against a real etcd.
final class EtcdClusterStateTests: XCTestCase {
    private func createTopic(_ fixture: EtcdStoreFixture, _ name: String = "orders") async throws {
        let store = try await fixture.store()
        _ = try await store.createTopic(MetadataStoreConformance.record(name, partitions: 1, replicas: [1, 2, 3]))
    }

    func testExactlyOneOfTwoRacingControllersIsElected() async throws {
        try await withEtcdStore { fixture in
            let candidates = [fixture.clusterState(), fixture.clusterState()]
            let leases = [try await candidates[0].client.grantLease(ttlSeconds: 10),
                          try await candidates[1].client.grantLease(ttlSeconds: 10)]
            let claims = try await withThrowingTaskGroup(of: EtcdControllerClaim?.self) { group in
                for (index, candidate) in candidates.enumerated() {
                    group.addTask { try await candidate.claimController(brokerId: Int32(index + 1), lease: leases[index].id) }
                }
                var claims: [EtcdControllerClaim?] = []
                for try await claim in group { claims.append(claim) }
                return claims
            }
            let won = claims.compactMap { $0 }
            XCTAssertEqual(won.count, 1, "\(claims)")
            XCTAssertEqual(won.first?.epoch, 1)
            expectEqual(try await candidates[0].controller()?.value, won.first)
            expectEqual(try await candidates[0].controllerEpoch().value, 1)
        }
    }

    func testADeposedControllersWritesFail() async throws {
        try await withEtcdStore { fixture in
            try await createTopic(fixture)
            let old = fixture.clusterState()
            let new = fixture.clusterState()
            let oldLease = try await old.client.grantLease(ttlSeconds: 10)
            let oldClaim = try expectUnwrap(try await old.claimController(brokerId: 1, lease: oldLease.id))
            expectNil(try await new.claimController(brokerId: 2, lease: try await new.client.grantLease(ttlSeconds: 10).id),
                         "a controller is already elected")

            // The old controller's lease ends (it was paused, partitioned...) while it still believes it leads.
            try await old.client.revokeLease(oldLease.id)
            expectNil(try await old.controller())
            let newClaim = try expectUnwrap(try await new.claimController(brokerId: 2, lease: try await new.client.grantLease(ttlSeconds: 10).id))
            XCTAssertEqual(newClaim.epoch, oldClaim.epoch + 1)

            let read = try expectUnwrap(try await old.partitionState(topic: "orders", index: 0))
            var moved = read.value
            moved.leader = 2
            moved.leaderEpoch += 1
            moved.partitionEpoch += 1
            moved.isr = [2, 3]
            await assertEtcdStoreThrows({
                try await old.writePartitionState(moved, topic: "orders", index: 0, expectedVersion: read.version,
                                                  controllerEpoch: oldClaim.epoch)
            }) { error in
                XCTAssertEqual(error as? EtcdClusterStateError, .fenced(epoch: oldClaim.epoch, current: newClaim.epoch))
            }
            expectEqual(try await new.partitionState(topic: "orders", index: 0)?.value, read.value, "nothing written")

            let written = try await new.writePartitionState(moved, topic: "orders", index: 0, expectedVersion: read.version,
                                                            controllerEpoch: newClaim.epoch)
            expectEqual(try await new.partitionState(topic: "orders", index: 0), Versioned(moved, version: written))
        }
    }

    func testControllerWritesAreAllOrNothingAndCompareEachPartition() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            _ = try await store.createTopic(MetadataStoreConformance.record("orders", partitions: 2, replicas: [1, 2]))
            let state = fixture.clusterState()
            let claim = try expectUnwrap(try await state.claimController(brokerId: 1, lease: try await state.client.grantLease(ttlSeconds: 10).id))
            let states = try await state.partitionStates(of: "orders")
            let p0 = try XCTUnwrap(states[0])
            let p1 = try XCTUnwrap(states[1])
            var shrunk = p0.value
            shrunk.isr = [1]
            shrunk.partitionEpoch += 1
            // Partition 1 changed since it was read (the leader altered its ISR).
            let altered = try await state.alterPartitionAsLeader(shrunk, topic: "orders", index: 1, expectedVersion: p1.version)
            await assertEtcdStoreThrows({
                try await state.writePartitionStates([
                    EtcdPartitionStateWrite(topic: "orders", index: 0, state: shrunk, expectedVersion: p0.version),
                    EtcdPartitionStateWrite(topic: "orders", index: 1, state: shrunk, expectedVersion: p1.version),
                ], controllerEpoch: claim.epoch)
            }) { error in
                XCTAssertEqual(error as? MetadataStoreError,
                               .versionConflict(key: "orders-1", expected: p1.version, actual: altered))
            }
            expectEqual(try await state.partitionState(topic: "orders", index: 0), p0, "the batch wrote nothing")
        }
    }

    func testTheLeadersIsrChangeFailsWhenTheStateMovedOn() async throws {
        try await withEtcdStore { fixture in
            try await createTopic(fixture)
            let leader = fixture.clusterState()
            let controller = fixture.clusterState()
            let claim = try expectUnwrap(try await controller.claimController(brokerId: 3, lease: try await controller.client.grantLease(ttlSeconds: 10).id))
            let read = try expectUnwrap(try await leader.partitionState(topic: "orders", index: 0))

            // The controller moves leadership first; the old leader's ISR change, based on the state it read, fails.
            var newLeader = read.value
            newLeader.leader = 2
            newLeader.leaderEpoch += 1
            newLeader.partitionEpoch += 1
            let moved = try await controller.writePartitionState(newLeader, topic: "orders", index: 0, expectedVersion: read.version,
                                                                 controllerEpoch: claim.epoch)
            var shrink = read.value
            shrink.isr = [1]
            shrink.partitionEpoch += 1
            await assertEtcdStoreThrows({
                try await leader.alterPartitionAsLeader(shrink, topic: "orders", index: 0, expectedVersion: read.version)
            }) { error in
                XCTAssertEqual(error as? MetadataStoreError, .versionConflict(key: "orders-0", expected: read.version, actual: moved))
            }
            // An ISR change for a partition that does not exist creates nothing.
            await assertEtcdStoreThrows({
                try await leader.alterPartitionAsLeader(shrink, topic: "orders", index: 7, expectedVersion: .absent)
            }) { error in
                XCTAssertEqual(error as? MetadataStoreError, .topicNotFound("orders"))
            }
            expectNil(try await leader.partitionState(topic: "orders", index: 7))
        }
    }

    func testBrokerRegistrationsLiveAndDieWithTheirLease() async throws {
        try await withEtcdStore { fixture in
            let state = fixture.clusterState()
            let lease = try await state.client.grantLease(ttlSeconds: 10)
            // The registration records the lease it lives under.
            let one = BrokerRegistration(id: 1, host: "127.0.0.1", port: 9092, rack: "a", incarnation: 1, lease: lease.id)
            let two = BrokerRegistration(id: 2, host: "127.0.0.1", port: 9093, incarnation: 2, lease: lease.id)
            let version = try await state.registerBroker(one, lease: lease.id)
            try await state.registerBroker(two, lease: lease.id)
            expectEqual(try await state.registerBroker(one, lease: lease.id) > version, true, "a retry of the same life succeeds")

            var impostor = one
            impostor.incarnation = 99
            await assertEtcdStoreThrows({ try await state.registerBroker(impostor, lease: lease.id) }) { error in
                XCTAssertEqual(error as? EtcdClusterStateError, .brokerIdInUse(1, incarnation: 1))
            }
            expectEqual(try await state.brokers().map(\.value), [one, two])

            try await state.client.revokeLease(lease.id)
            expectEqual(try await state.brokers(), [])
            let next = try await state.client.grantLease(ttlSeconds: 10)
            try await state.registerBroker(impostor, lease: next.id)
            impostor.lease = next.id
            expectEqual(try await state.brokers().map(\.value), [impostor])
        }
    }

    func testAResigningControllerLeavesTheEpochForTheNext() async throws {
        try await withEtcdStore { fixture in
            let state = fixture.clusterState()
            let lease = try await state.client.grantLease(ttlSeconds: 10)
            let first = try expectUnwrap(try await state.claimController(brokerId: 1, lease: lease.id))
            try await state.resignController(first)
            expectNil(try await state.controller())
            let second = try expectUnwrap(try await state.claimController(brokerId: 2, lease: lease.id))
            XCTAssertEqual(second.epoch, first.epoch + 1)
            // Resigning with a stale claim does not remove the current controller.
            try await state.resignController(first)
            expectEqual(try await state.controller()?.value, second)
        }
    }
    func testAFencedStoresTopicWritesFailOnceAnotherControllerIsElected() async throws {
        try await withEtcdStore { fixture in
            let oldStore = try await fixture.store()
            let newStore = try await fixture.store()
            let state = fixture.clusterState()
            let oldLease = try await state.client.grantLease(ttlSeconds: 10)
            let oldClaim = try expectUnwrap(try await state.claimController(brokerId: 1, lease: oldLease.id))
            oldStore.fence(controllerEpoch: oldClaim.epoch)
            let orders = try await oldStore.createTopic(MetadataStoreConformance.record("orders", partitions: 1))
            let configs = try await oldStore.replaceDynamicBrokerConfigs(["k": "v"], expectedVersion: .absent)

            try await state.client.revokeLease(oldLease.id)
            let newClaim = try expectUnwrap(
                try await state.claimController(brokerId: 2, lease: try await state.client.grantLease(ttlSeconds: 10).id))
            newStore.fence(controllerEpoch: newClaim.epoch)
            let fenced = EtcdClusterStateError.fenced(epoch: oldClaim.epoch, current: newClaim.epoch)
            let writes: [() async throws -> Void] = [
                { _ = try await oldStore.createTopic(MetadataStoreConformance.record("audit", partitions: 1)) },
                { _ = try await oldStore.replaceTopicConfigs(named: "orders", with: [:], expectedVersion: orders.version) },
                { _ = try await oldStore.addPartitions(named: "orders", assignments: [[1]], expectedVersion: orders.version) },
                { try await oldStore.deleteTopic(named: "orders", expectedVersion: orders.version) },
                { _ = try await oldStore.replaceDynamicBrokerConfigs([:], expectedVersion: configs) },
            ]
            for write in writes {
                await assertEtcdStoreThrows(write) { error in XCTAssertEqual(error as? EtcdClusterStateError, fenced) }
            }
            expectEqual(try await newStore.loadTopics(), [orders], "the deposed controller changed nothing")
            expectEqual(try await newStore.dynamicBrokerConfigs().version, configs)

            // A version conflict is still reported as one under a current fence.
            await assertEtcdStoreThrows({
                _ = try await newStore.replaceDynamicBrokerConfigs([:], expectedVersion: .absent)
            }) { error in
                XCTAssertEqual(error as? MetadataStoreError,
                               .versionConflict(key: "dynamic broker configs", expected: .absent, actual: configs))
            }
            try await newStore.deleteTopic(named: "orders", expectedVersion: orders.version)
            expectEqual(try await newStore.loadTopics(), [])
        }
    }
    func testClusterStateChangesReportBrokersControllerAndPartitions() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            let changes = store.clusterStateChanges()
            let state = fixture.clusterState()
            let lease = try await state.client.grantLease(ttlSeconds: 10)
            let broker = BrokerRegistration(id: 1, host: "h", port: 9092, incarnation: 1, lease: lease.id)
            let registered = try await state.registerBroker(broker, lease: lease.id)
            let claim = try expectUnwrap(try await state.claimController(brokerId: 1, lease: lease.id))
            let claimed = try await state.controller()
            let topic = try await store.createTopic(MetadataStoreConformance.record("orders", partitions: 2, replicas: [1]))
            try await state.client.revokeLease(lease.id)
            try await store.deleteTopic(named: "orders", expectedVersion: topic.version)

            let initial = PartitionLeadershipState.initial(replicas: [1])
            let received = await prefix(9, of: changes)
            XCTAssertEqual(received.count, 9)
            XCTAssertEqual(Array(received.prefix(5)), [
                .broker(id: 1, Versioned(broker, version: registered)),
                .controller(claimed),
                .controllerEpoch(claim.epoch),
                .partition(topic: "orders", index: 0, Versioned(initial, version: topic.version)),
                .partition(topic: "orders", index: 1, Versioned(initial, version: topic.version)),
            ])
            // The lease's keys go in one revision.
            XCTAssertEqual(Set(received.dropFirst(5).prefix(2)), [.broker(id: 1, nil), .controller(nil)])
            XCTAssertEqual(Array(received.suffix(2)), [.partition(topic: "orders", index: 0, nil), .partition(topic: "orders", index: 1, nil)])
        }
    }
}
