@testable import BrookCluster
import BrookEtcd
import BrookStorage
import BrookTestSupport
import Foundation
import XCTest

/// Three `ClusterMember`s in one process on a real etcd: election, placement, failover after a
/// broker dies, a restarted broker rejoining as follower, controller failover with fencing, and
/// controlled shutdown. Every wait is bounded; the lease TTL is 2 s (the 1500 ms session default).
final class ClusterMemberTests: XCTestCase {
    private static let everyone: Set<Int32> = [1, 2, 3]

    private func partitions(_ topic: String, _ count: Int32) -> [TopicPartition] {
        (0..<count).map { TopicPartition(topic: topic, partition: $0) }
    }

    func testLeaseTTLIsTheSessionTimeoutRoundedUpToWholeSeconds() throws {
        let endpoints = try EtcdEndpoints.parse("127.0.0.1:2379")
        var configuration = ClusterMemberConfiguration(nodeId: 1, host: "h", port: 1, etcdEndpoints: endpoints)
        XCTAssertEqual(configuration.sessionTimeoutMilliseconds, 1500)
        XCTAssertEqual(configuration.leaseTTLSeconds, 2)
        configuration.sessionTimeoutMilliseconds = 9000
        XCTAssertEqual(configuration.leaseTTLSeconds, 9)
        configuration.sessionTimeoutMilliseconds = 2001
        XCTAssertEqual(configuration.leaseTTLSeconds, 3)
        configuration.sessionTimeoutMilliseconds = 1
        XCTAssertEqual(configuration.leaseTTLSeconds, 1, "etcd raises it to its own minimum")
    }

    func testOneControllerSpreadsLeadersAndWhenTheControllerDiesItsPartitionsMoveAndItRejoinsAsFollower() async throws {
        try await failover(victimIsController: true)
    }

    func testWhenAnotherBrokerDiesTheControllerMovesItsPartitionsAndRecordsAnUncleanDeparture() async throws {
        try await failover(victimIsController: false)
    }

    /// Three members, a 6×3 topic; one member stops without a word (its lease expires) and comes back
    /// as a new run.
    private func failover(victimIsController: Bool) async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let controller = try await cluster.awaitController(brokers: Self.everyone)
            var acting: [Int32] = []
            for id in Self.everyone.sorted() {
                if await cluster.member(id).controllerEpoch != nil { acting.append(id) }
            }
            XCTAssertEqual(acting, [controller], "exactly the agreed controller acts as one")

            let assignments = try await cluster.member(controller).createTopic("orders", partitions: 6, replicationFactor: 3)
            XCTAssertEqual(assignments.count, 6)
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) holds 6 replicas, leading 2") {
                    $0.roles.count == 6 && $0.led.count == 2
                }
            }
            // Followers are told who leads, with the leader's endpoint.
            for id in Self.everyone {
                for (partition, role) in cluster.delegate(id).current.roles {
                    guard case .follower(let leader, let endpoint, let epoch) = role else { continue }
                    XCTAssertEqual(cluster.delegate(leader).current.led[partition], epoch)
                    XCTAssertEqual(endpoint?.port, 9091 + leader)
                }
            }

            let victim = victimIsController ? controller : Self.everyone.subtracting([controller]).min()!
            let victimMember = cluster.member(victim)
            let victimLed = cluster.delegate(victim).current.led
            XCTAssertEqual(victimLed.count, 2)
            let stoppedAt = ContinuousClock.now
            await victimMember.stop()
            cluster.forget(victim)
            // Lease TTL 2 s (+0.5 s etcd expiry check) + a new controller's election when the victim was it + slack.
            let survivors = Self.everyone.subtracting([victim])
            for id in survivors {
                try await cluster.delegate(id).wait("member \(id) sees \(victim)'s partitions led by a survivor with bumped epochs",
                                                    within: 8) { recorded in
                    victimLed.allSatisfy { partition, oldEpoch in
                        switch recorded.roles[partition] {
                        case .leader(let epoch, let isr)?: return epoch > oldEpoch && !isr.contains(victim)
                        case .follower(let leader, _, let epoch)?: return survivors.contains(leader) && epoch > oldEpoch
                        case nil: return false
                        }
                    }
                }
            }
            let failover = ContinuousClock.now - stoppedAt
            XCTAssertLessThan(failover, .seconds(6), "failover took \(failover)")
            let store = cluster.fixture.clusterState()
            for partition in victimLed.keys {
                let state = try expectUnwrap(try await store.partitionState(topic: partition.topic, index: partition.partition))
                XCTAssertTrue(survivors.contains(state.value.leader))
                XCTAssertFalse(state.value.isr.contains(victim), "a dead broker leaves the ISR")
            }
            if !victimIsController {
                // The controller saw the lease end (no controlled shutdown): recorded as unclean, for a later controller.
                let kv = try expectUnwrap(try await cluster.fixture.client().get(cluster.fixture.layout.departure(victim)).first)
                let departure = try EtcdMetadataCodec.decode(BrokerDeparture.self, from: kv, what: "departure")
                XCTAssertEqual(departure, BrokerDeparture(incarnation: victimMember.configuration.incarnation, clean: false))
            }

            // A restart (new incarnation) follows every replica it holds; nobody moves leadership to it.
            let (_, restarted) = try await cluster.start(victim)
            try await restarted.wait("restarted member \(victim) follows its 6 replicas") { recorded in
                recorded.roles.count == 6 && recorded.roles.values.allSatisfy {
                    if case .follower(let leader, let endpoint, _) = $0 { return survivors.contains(leader) && endpoint != nil }
                    return false
                }
            }
        }
    }

    func testALeaderChangesItsIsrByCompareAndSwapUnderTheControllersRules() async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let controller = try await cluster.awaitController(brokers: Self.everyone)
            try await cluster.member(controller).createTopic("t", partitions: 1, replicationFactor: 3,
                                                             configs: ["min.insync.replicas": "2"])
            let partition = TopicPartition(topic: "t", partition: 0)
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) holds t-0") { $0.roles.count == 1 }
            }
            let store = cluster.fixture.clusterState()
            let before = try expectUnwrap(try await store.partitionState(topic: "t", index: 0)).value
            let leader = before.leader
            let dropped = before.isr.first { $0 != leader }!
            let shrunk = before.isr.filter { $0 != dropped }

            let follower = Self.everyone.subtracting([leader]).min()!
            await assertEtcdStoreThrows({
                try await cluster.member(follower).alterPartition(partition, leaderEpoch: before.leaderEpoch,
                                                                  partitionEpoch: before.partitionEpoch, newIsr: shrunk)
            }) { error in
                guard case ClusterMemberError.refused(.invalidRequest) = error else { return XCTFail("\(error)") }
            }

            let after = try await cluster.member(leader).alterPartition(partition, leaderEpoch: before.leaderEpoch,
                                                                        partitionEpoch: before.partitionEpoch, newIsr: shrunk)
            XCTAssertEqual(after, PartitionLeadershipState(leader: leader, leaderEpoch: before.leaderEpoch, isr: shrunk,
                                                           partitionEpoch: before.partitionEpoch + 1))
            expectEqual(try await store.partitionState(topic: "t", index: 0)?.value, after)
            try await cluster.delegate(leader).wait("the leader hears of its new ISR") {
                $0.roles[partition] == .leader(epoch: before.leaderEpoch, isr: shrunk)
            }
            // The same request again names a partition epoch that is gone.
            await assertEtcdStoreThrows({
                try await cluster.member(leader).alterPartition(partition, leaderEpoch: before.leaderEpoch,
                                                                partitionEpoch: before.partitionEpoch, newIsr: before.isr)
            }) { error in
                XCTAssertEqual(error as? ClusterMemberError, .refused(.invalidUpdateVersion))
            }
        }
    }

    func testRevokingTheControllersLeaseElectsAnotherWithAHigherEpochAndFencesTheOldOne() async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let first = try await cluster.awaitController(brokers: Self.everyone)
            let oldEpoch = try expectUnwrap(await cluster.member(first).controllerEpoch)
            try await cluster.member(first).createTopic("t", partitions: 1, replicationFactor: 3)
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) holds t-0") { $0.roles.count == 1 }
            }

            let lease = try expectUnwrap(await cluster.member(first).leaseId)
            try await cluster.fixture.client().revokeLease(lease)
            try await cluster.delegate(first).wait("the old controller fences its leaderships") { $0.fences >= 1 }
            let second = try await cluster.awaitController(brokers: Self.everyone, excluding: first)
            XCTAssertNotEqual(second, first)
            let newEpoch = try expectUnwrap(await cluster.member(second).controllerEpoch)
            XCTAssertGreaterThan(newEpoch, oldEpoch)
            expectNil(await cluster.member(first).controllerEpoch, "the deposed controller no longer acts")

            // Its writes under the old epoch fail, whatever version they name.
            let store = cluster.fixture.clusterState()
            let stored = try expectUnwrap(try await store.partitionState(topic: "t", index: 0))
            var next = stored.value
            next.partitionEpoch += 1
            await assertEtcdStoreThrows({
                try await store.writePartitionState(next, topic: "t", index: 0, expectedVersion: stored.version,
                                                    controllerEpoch: oldEpoch)
            }) { error in
                XCTAssertEqual(error as? EtcdClusterStateError, .fenced(epoch: oldEpoch, current: newEpoch))
            }
            // The old controller registered again (same incarnation) and got its replica back.
            try await cluster.delegate(first).wait("the old controller holds t-0 again") { $0.roles.count == 1 }
        }
    }

    func testControlledShutdownMovesEveryLeadershipBeforeDeregistering() async throws {
        try await controlledShutdown(ofController: false)
    }

    func testTheControllersOwnControlledShutdownMovesItsLeadershipsThenAnotherTakesOver() async throws {
        try await controlledShutdown(ofController: true)
    }

    /// The last broker standing has nobody to hand leadership to, and no controller (a broker asking
    /// to shut down does not campaign): its controlled shutdown must not wait out the whole timeout.
    func testTheLastBrokersControlledShutdownEndsAtOnce() async throws {
        try await withMemberCluster { cluster in
            for id: Int32 in [1, 2] { try await cluster.start(id) { $0.controlledShutdownTimeout = .seconds(60) } }
            let controller = try await cluster.awaitController(brokers: [1, 2])
            _ = try await cluster.member(controller).createTopic("solo", partitions: 2, replicationFactor: 1)
            let last: Int32 = controller == 1 ? 2 : 1
            try await cluster.delegate(last).wait("member \(last) leads its replica") { !$0.led.isEmpty }
            // The last one starts shutting down first (its replicas have nowhere to go), then the
            // controller leaves: nobody is left to take over as controller.
            let started = ContinuousClock.now
            let lastMember = cluster.member(last)
            let leaving = Task { await lastMember.shutdown() }
            try await cluster.delegate(controller).wait("the controller sees \(last) asking to shut down") { _ in true }
            await cluster.member(controller).shutdown()
            cluster.forget(controller)
            await leaving.value
            cluster.forget(last)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(30), "waited for a controller that will never come")
        }
    }

    private func controlledShutdown(ofController: Bool) async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let controller = try await cluster.awaitController(brokers: Self.everyone)
            try await cluster.member(controller).createTopic("orders", partitions: 6, replicationFactor: 3)
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) leads 2 of 6") { $0.roles.count == 6 && $0.led.count == 2 }
            }
            let victim = ofController ? controller : Self.everyone.subtracting([controller]).min()!
            let victimLed = cluster.delegate(victim).current.led
            let victimMember = cluster.member(victim)

            // Follow etcd's order of changes from before the shutdown to the deregistration.
            let watcher = try await cluster.fixture.store()
            let changes = watcher.clusterStateChanges()
            try await within(20, "controlled shutdown of \(victim)") {
                await victimMember.shutdown()
            }
            cluster.forget(victim)
            let leadersAtDeregistration = try await within(10, "\(victim)'s deregistration") {
                var leaders: [TopicPartition: Int32] = [:]
                for await change in changes {
                    switch change {
                    case .partition(let topic, let index, let state?):
                        leaders[TopicPartition(topic: topic, partition: index)] = state.value.leader
                    case .broker(let id, nil) where id == victim:
                        return leaders
                    default:
                        break
                    }
                }
                return leaders
            }
            for partition in victimLed.keys {
                let leader = try XCTUnwrap(leadersAtDeregistration[partition], "\(partition) moved before deregistration")
                XCTAssertNotEqual(leader, victim)
                XCTAssertNotEqual(leader, PartitionLeadershipState.noLeader)
            }
            let survivors = Self.everyone.subtracting([victim])
            for id in survivors {
                try await cluster.delegate(id).wait("member \(id) sees the victim's partitions led by a survivor") { recorded in
                    victimLed.allSatisfy { partition, oldEpoch in
                        switch recorded.roles[partition] {
                        case .leader(let epoch, _)?: return epoch > oldEpoch
                        case .follower(let leader, _, let epoch)?: return survivors.contains(leader) && epoch > oldEpoch
                        case nil: return false
                        }
                    }
                }
            }
            if ofController {
                let successor = try await cluster.awaitController(brokers: survivors, excluding: victim)
                XCTAssertTrue(survivors.contains(successor))
            }
            // The clean departure is on record for a later controller.
            let kv = try expectUnwrap(try await cluster.fixture.client().get(cluster.fixture.layout.departure(victim)).first)
            let departure = try EtcdMetadataCodec.decode(BrokerDeparture.self, from: kv, what: "departure")
            XCTAssertTrue(departure.clean)
            XCTAssertEqual(departure.incarnation, victimMember.configuration.incarnation)
        }
    }

    func testLosingEtcdFencesEveryLeadershipAndTheMembersRegisterAgainWhenItIsBack() async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let controller = try await cluster.awaitController(brokers: Self.everyone)
            try await cluster.member(controller).createTopic("orders", partitions: 3, replicationFactor: 3)
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) leads 1 of 3") { $0.roles.count == 3 && $0.led.count == 1 }
            }

            cluster.fixture.etcd.kill()
            // No lease refresh gets through for a whole TTL (2 s): each member must stop leading.
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) fences its leaderships", within: 10) {
                    $0.fences >= 1 && $0.roles.isEmpty
                }
            }
            try cluster.fixture.etcd.restart()
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) holds its 3 replicas again", within: 20) {
                    $0.roles.count == 3
                }
            }
            // What each member was told agrees with etcd: the stored leader leads, the others follow it.
            let store = cluster.fixture.clusterState()
            for partition in partitions("orders", 3) {
                let state = try expectUnwrap(try await store.partitionState(topic: partition.topic, index: partition.partition))
                for id in Self.everyone {
                    try await cluster.delegate(id).wait("member \(id)'s role in \(partition) matches etcd") { recorded in
                        switch recorded.roles[partition] {
                        case .leader(let epoch, _)?: return id == state.value.leader && epoch == state.value.leaderEpoch
                        case .follower(let leader, _, let epoch)?: return leader == state.value.leader && epoch == state.value.leaderEpoch
                        case nil: return false
                        }
                    }
                }
            }
        }
    }

    /// KIP-966 facts outlive the controller that learnt them: a broker that shut down cleanly stays
    /// an eligible leader replica when it returns under a controller elected since, while one that
    /// crashed is demoted to the last known ELR.
    func testDepartureFactsSurviveControllerFailover() async throws {
        try await withMemberCluster { cluster in
            for id in Self.everyone { try await cluster.start(id) }
            let first = try await cluster.awaitController(brokers: Self.everyone)
            try await cluster.member(first).createTopic("t", partitions: 1, replicationFactor: 3,
                                                        configs: ["min.insync.replicas": "3"])
            for id in Self.everyone {
                try await cluster.delegate(id).wait("member \(id) holds t-0") { $0.roles.count == 1 }
            }
            let others = Self.everyone.subtracting([first]).sorted()
            let (clean, survivor) = (others[0], others[1])

            // `clean` leaves by controlled shutdown: out of the ISR (below min.insync.replicas) into the ELR.
            await cluster.member(clean).shutdown()
            cluster.forget(clean)
            let store = cluster.fixture.clusterState()
            // Then the controller dies: the survivor takes over, reading the departure records.
            await cluster.member(first).stop()
            cluster.forget(first)
            let successor = try await cluster.awaitController(brokers: [survivor], excluding: first)
            XCTAssertEqual(successor, survivor)
            try await cluster.delegate(survivor).wait("the survivor leads t-0 alone") {
                $0.roles[TopicPartition(topic: "t", partition: 0)] != nil && $0.led.count == 1
            }
            let before = try expectUnwrap(try await store.partitionState(topic: "t", index: 0))
            XCTAssertEqual(before.value.isr, [survivor])
            XCTAssertEqual(Set(before.value.elr), [clean, first])

            // The clean broker returns as a new run; the controller consumes its departure record.
            let client = cluster.fixture.client()
            let departureKey = cluster.fixture.layout.departure(clean)
            let departureEvents = try await client.watch(departureKey, fromRevision: before.version.revision)
            try await cluster.start(clean)
            try await within(10, "the controller consuming \(clean)'s departure record") {
                for try await event in departureEvents where event.kind == .delete { return }
            }
            // The crashed one returns too: its registration demotes it.
            let changes = try await cluster.fixture.store().clusterStateChanges()
            try await cluster.start(first)
            let after = try await within(10, "\(first)'s demotion to the last known ELR") {
                for await change in changes {
                    if case .partition("t", 0, let state?) = change, state.value.lastKnownElr.contains(first) {
                        return state.value
                    }
                }
                throw TimedOut(what: "change stream ended")
            }
            XCTAssertEqual(after.elr, [clean], "the cleanly shut down broker stays eligible")
            XCTAssertEqual(after.lastKnownElr, [first])
        }
    }
}
