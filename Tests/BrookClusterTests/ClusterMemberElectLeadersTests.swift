@testable import BrookCluster
import BrookEtcd
import BrookStorage
import BrookTestSupport
import Foundation
import XCTest

/// Preferred-leader election on three `ClusterMember`s and a real etcd: after a broker dies and comes
/// back, leadership stays where failover moved it until ElectLeaders (or the controller's periodic
/// rebalance check) moves it back to the preferred replica, once that replica is in sync again.
final class ClusterMemberElectLeadersTests: XCTestCase {
    private static let everyone: Set<Int32> = [1, 2, 3]
    private static let topic = "orders"

    func testPreferredElectionMovesLeadershipBackOnceTheRestartedBrokerIsInSyncAgain() async throws {
        try await withMemberCluster { cluster in
            let setup = try await restartedBrokerLostItsLeadership(cluster)
            let controller = cluster.member(setup.controller)
            let all = (0..<3).map { TopicPartition(topic: Self.topic, partition: $0) }
            let others = all.filter { !setup.preferred.contains($0) }

            // Back, but not in sync: the preferred replica cannot lead yet.
            let early = try await controller.electLeaders(.preferred, partitions: setup.preferred)
            XCTAssertEqual(early, Dictionary(uniqueKeysWithValues: setup.preferred.map { ($0, .refused(.preferredLeaderNotAvailable)) }))

            // Only the controller decides.
            await assertEtcdStoreThrows({
                _ = try await cluster.member(setup.victim).electLeaders(.preferred, partitions: nil)
            }) { error in
                XCTAssertEqual(error as? ClusterMemberError, .notController(controller: setup.controller))
            }

            try await rejoinIsr(setup.victim, setup.preferred, cluster: cluster, controller: setup.controller)
            let before = try await storedStates(all, cluster)
            let results = try await controller.electLeaders(.preferred, partitions: nil)
            var expected: [TopicPartition: LeaderElectionOutcome] = [:]
            for partition in setup.preferred { expected[partition] = .elected(leader: setup.victim) }
            for partition in others { expected[partition] = .refused(.electionNotNeeded) }
            XCTAssertEqual(results, expected)
            // Answered once the controller's own view shows the new leaders, as Kafka's controller does.
            let view = try expectUnwrap(cluster.delegate(setup.controller).current.view)
            for partition in setup.preferred {
                XCTAssertEqual(view.routing(topic: partition.topic, partition: partition.partition)?.leader, setup.victim)
            }

            let after = try await storedStates(all, cluster)
            for partition in setup.preferred {
                XCTAssertEqual(after[partition]?.leader, setup.victim)
                XCTAssertEqual(after[partition]?.leaderEpoch, before[partition]!.leaderEpoch + 1, "a new leader, a new epoch")
                XCTAssertEqual(Set(after[partition]?.isr ?? []), Self.everyone, "the ISR is kept")
            }
            for partition in others { XCTAssertEqual(after[partition], before[partition], "nothing else was written") }
            try await cluster.delegate(setup.victim).wait("member \(setup.victim) leads its preferred partitions again") { recorded in
                setup.preferred.allSatisfy { recorded.led[$0] == after[$0]?.leaderEpoch }
            }

            // Asked again: nothing to do. Unclean election only for a partition without a leader.
            let again = try await controller.electLeaders(.preferred, partitions: setup.preferred)
            XCTAssertEqual(again, Dictionary(uniqueKeysWithValues: setup.preferred.map { ($0, .refused(.electionNotNeeded)) }))
            let unclean = try await controller.electLeaders(.unclean, partitions: [all[0]])
            XCTAssertEqual(unclean, [all[0]: .refused(.electionNotNeeded)])
            let unknown = [TopicPartition(topic: Self.topic, partition: 7), TopicPartition(topic: "nope", partition: 0)]
            let missing = try await controller.electLeaders(.preferred, partitions: unknown)
            XCTAssertEqual(missing, Dictionary(uniqueKeysWithValues: unknown.map { ($0, .refused(.unknownTopicOrPartition)) }))
            expectEqual(try await storedStates(all, cluster), after)
        }
    }

    func testTheControllerMovesLeadershipBackByItselfOnItsPeriodicCheck() async throws {
        try await withMemberCluster { cluster in
            let setup = try await restartedBrokerLostItsLeadership(cluster) {
                $0.leaderImbalanceCheckInterval = .milliseconds(300)
            }
            // While the victim is out of sync, the checks find nobody to move leadership to.
            let stored = try await storedStates(setup.preferred, cluster)
            XCTAssertTrue(stored.values.allSatisfy { $0.leader != setup.victim })

            try await rejoinIsr(setup.victim, setup.preferred, cluster: cluster, controller: setup.controller)
            try await cluster.delegate(setup.victim).wait("member \(setup.victim) leads its preferred partitions again",
                                                          within: 10) { recorded in
                setup.preferred.allSatisfy { recorded.led[$0] != nil }
            }
            for (partition, state) in try await storedStates(setup.preferred, cluster) {
                XCTAssertEqual(state.leader, setup.victim, "\(partition)")
            }
        }
    }

    func testWithAutomaticRebalancingOffLeadershipStaysWhereFailoverMovedIt() async throws {
        try await withMemberCluster { cluster in
            let setup = try await restartedBrokerLostItsLeadership(cluster) {
                $0.autoLeaderRebalanceEnable = false
                $0.leaderImbalanceCheckInterval = .milliseconds(100)
            }
            try await rejoinIsr(setup.victim, setup.preferred, cluster: cluster, controller: setup.controller)
            // Not a synchronisation: the window in which five checks would have run if enabled.
            try await Task.sleep(for: .milliseconds(500))
            let imbalance = try expectUnwrap(await cluster.member(setup.controller).active?.state.leaderImbalance())
            XCTAssertEqual(imbalance[setup.victim], 1.0)
            for (partition, state) in try await storedStates(setup.preferred, cluster) {
                XCTAssertNotEqual(state.leader, setup.victim, "\(partition) moved although rebalancing is off")
            }
            let moved = await cluster.member(setup.controller).rebalanceLeaders()
            XCTAssertEqual(moved, setup.preferred.count)
            try await cluster.delegate(setup.victim).wait("member \(setup.victim) leads its preferred partitions") { recorded in
                setup.preferred.allSatisfy { recorded.led[$0] != nil }
            }
        }
    }

    // MARK: Set-up

    private struct Setup {
        let controller: Int32
        let victim: Int32
        /// The partitions whose preferred replica is the victim.
        let preferred: [TopicPartition]
    }

    /// Three members and a 3×3 topic (each broker the preferred leader of one partition); a member
    /// that is not the controller stops without a word, its leadership moves to a survivor, and it
    /// comes back as a new run that follows every replica it holds.
    private func restartedBrokerLostItsLeadership(
        _ cluster: MemberCluster, configure: @escaping (inout ClusterMemberConfiguration) -> Void = { _ in }
    ) async throws -> Setup {
        for id in Self.everyone.sorted() { try await cluster.start(id, configure: configure) }
        let controller = try await cluster.awaitController(brokers: Self.everyone)
        let assignments = try await cluster.member(controller).createTopic(Self.topic, partitions: 3, replicationFactor: 3)
        for id in Self.everyone {
            try await cluster.delegate(id).wait("member \(id) holds 3 replicas, leading 1") {
                $0.roles.count == 3 && $0.led.count == 1
            }
        }
        let victim = Self.everyone.subtracting([controller]).min()!
        let preferred = assignments.indices.filter { assignments[$0].preferredLeader == victim }
            .map { TopicPartition(topic: Self.topic, partition: Int32($0)) }
        XCTAssertEqual(Set(cluster.delegate(victim).current.led.keys), Set(preferred), "the first leaders are the preferred ones")

        await cluster.member(victim).stop()
        cluster.forget(victim)
        let survivors = Self.everyone.subtracting([victim])
        try await cluster.delegate(controller).wait("the victim's partitions led by a survivor", within: 8) { recorded in
            preferred.allSatisfy { partition in
                guard let routing = recorded.view?.routing(topic: partition.topic, partition: partition.partition) else { return false }
                return survivors.contains(routing.leader)
            }
        }
        let (_, restarted) = try await cluster.start(victim, configure: configure)
        try await restarted.wait("restarted member \(victim) follows its 3 replicas") { recorded in
            recorded.roles.count == 3 && recorded.led.isEmpty
        }
        return Setup(controller: controller, victim: victim, preferred: preferred)
    }

    /// Each partition's leader takes `broker` back into its ISR, as its ISR forwarder does once the
    /// broker caught up; returns when the controller has seen it.
    private func rejoinIsr(_ broker: Int32, _ partitions: [TopicPartition], cluster: MemberCluster,
                           controller: Int32) async throws {
        let store = cluster.fixture.clusterState()
        for partition in partitions {
            try await within(10, "\(broker) back in the ISR of \(partition)") {
                while true {
                    let stored = try expectUnwrap(try await store.partitionState(topic: partition.topic, index: partition.partition)).value
                    if stored.isr.contains(broker) { return }
                    do {
                        try await cluster.member(stored.leader).alterPartition(
                            partition, leaderEpoch: stored.leaderEpoch, partitionEpoch: stored.partitionEpoch,
                            newIsr: stored.isr + [broker])
                        return
                    } catch {
                        // The leader has not seen the latest record yet (the restart changed it, or
                        // that the broker is back): propose again, as the forwarder would.
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
        }
        try await cluster.delegate(controller).wait("the controller sees \(broker) in sync again") { recorded in
            partitions.allSatisfy { recorded.view?.routing(topic: $0.topic, partition: $0.partition)?.isr.contains(broker) == true }
        }
    }

    private func storedStates(_ partitions: [TopicPartition], _ cluster: MemberCluster) async throws
        -> [TopicPartition: PartitionLeadershipState] {
        let store = cluster.fixture.clusterState()
        var states: [TopicPartition: PartitionLeadershipState] = [:]
        for partition in partitions {
            states[partition] = try expectUnwrap(try await store.partitionState(topic: partition.topic, index: partition.partition)).value
        }
        return states
    }
}
