import BrookCluster
import BrookStorage
import XCTest

/// Brokers leaving (lease gone) and returning: elections, ISR shrink, ELR and the last known ELR,
/// clean versus crashed restarts, unclean election.
final class ControllerMembershipTests: XCTestCase {
    private typealias F = ControllerFixtures
    private let p0 = ControllerFixtures.partition(0)

    func testLeaderExpiryElectsTheFirstLiveIsrReplicaAndBumpsBothEpochs() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 3, 2]])
        let effects = controller.brokerExpired(1)
        let expected = PartitionLeadershipState(leader: 3, leaderEpoch: 1, isr: [3, 2], partitionEpoch: 1)
        XCTAssertEqual(effects, [.writePartitionState(p0, expected, expectedPartitionEpoch: 0)])
        XCTAssertEqual(controller.snapshot.partitions[p0], expected)
        XCTAssertNil(controller.snapshot.liveBrokers[1])
    }

    func testLeaderExpirySkipsReplicasOutsideTheIsr() {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 3], partitionEpoch: 9)
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]], states: [state])
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 3, leaderEpoch: 5, isr: [3], partitionEpoch: 10))
    }

    func testFollowerExpiryOnlyShrinksTheIsr() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]])
        let effects = controller.brokerExpired(2)
        XCTAssertEqual(F.writes(effects)[p0], PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 3], partitionEpoch: 1))
        // A broker in no ISR changes nothing.
        XCTAssertEqual(controller.brokerExpired(2), [])
    }

    func testLastIsrMemberStaysAndThePartitionGoesOfflineUntilItReturns() {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 2, isr: [1], partitionEpoch: 3)
        var controller = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state])
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: -1, leaderEpoch: 3, isr: [1], partitionEpoch: 4))
        // Broker 2 is live but out of sync: no clean election makes it leader.
        XCTAssertEqual(controller.brokerRegistered(F.broker(2, incarnation: 7)), [])
        // The last ISR member comes back (even after a crash: its log was fsynced): it leads again.
        let effects = controller.brokerRegistered(F.broker(1, incarnation: 2))
        let back = PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1], partitionEpoch: 5)
        XCTAssertEqual(effects, [.writePartitionState(p0, back, expectedPartitionEpoch: 4)])
    }

    func testUncleanElectionOnlyWhenTheTopicEnablesIt() {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0)
        var strict = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state])
        _ = strict.brokerExpired(1)
        XCTAssertEqual(strict.snapshot.partitions[p0]?.leader, -1)

        var lenient = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state],
                              policy: TopicElectionPolicy(uncleanLeaderElection: true))
        _ = lenient.brokerExpired(1)
        XCTAssertEqual(lenient.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 1))
    }

    func testUncleanElectionWaitsForALiveReplicaAndPrefersTheLastKnownElr() {
        let state = PartitionLeadershipState(leader: -1, leaderEpoch: 3, isr: [1], partitionEpoch: 5, lastKnownElr: [3])
        var controller = F.state(brokers: [], assignments: [[1, 2, 3]], states: [state],
                                 policy: TopicElectionPolicy(uncleanLeaderElection: true, minInsyncReplicas: 2))
        _ = controller.brokerRegistered(F.broker(2))
        XCTAssertEqual(controller.snapshot.partitions[p0]?.leader, 2, "any live replica when no last known ELR is live")

        var preferLke = F.state(brokers: [], assignments: [[1, 2, 3]], states: [state],
                                policy: TopicElectionPolicy(uncleanLeaderElection: true, minInsyncReplicas: 2))
        _ = preferLke.brokerRegistered(F.broker(3))
        XCTAssertEqual(preferLke.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 3, leaderEpoch: 4, isr: [3], partitionEpoch: 6))
    }

    /// min.insync.replicas = 2: members leaving an ISR smaller than 2 go to the ELR, and an ELR
    /// member that comes back whole (same incarnation: it only lost its lease) may lead.
    func testElrMemberReturningWholeLeadsAndTheFormerIsrJoinsTheElr() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]],
                                 policy: TopicElectionPolicy(minInsyncReplicas: 2))
        _ = controller.brokerExpired(3)
        XCTAssertEqual(controller.snapshot.partitions[p0]?.elr, [], "ISR [1, 2] still meets min.insync")
        _ = controller.brokerExpired(2)
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 2, elr: [2]))
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 3, elr: [2]))
        _ = controller.brokerRegistered(F.broker(2, incarnation: 1))
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 2, isr: [2], partitionEpoch: 4, elr: [1]))
    }

    func testElrMemberRestartedAfterACrashMovesToTheLastKnownElrAndDoesNotLead() {
        let state = PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 3, elr: [2])
        var controller = F.state(brokers: [3], assignments: [[1, 2, 3]], states: [state],
                                 policy: TopicElectionPolicy(minInsyncReplicas: 2))
        let effects = controller.brokerRegistered(F.broker(2, incarnation: 2))
        XCTAssertEqual(F.writes(effects)[p0],
                       PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 4, lastKnownElr: [2]))
        // The last ISR member returns: it leads; ISR [1] is below min.insync, the last known ELR stays.
        _ = controller.brokerRegistered(F.broker(1, incarnation: 5))
        XCTAssertEqual(controller.snapshot.partitions[p0],
                       PartitionLeadershipState(leader: 1, leaderEpoch: 2, isr: [1], partitionEpoch: 5, lastKnownElr: [2]))
    }

    func testElrMemberBackAfterACleanShutdownLeadsEvenWithANewIncarnation() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]],
                                 policy: TopicElectionPolicy(minInsyncReplicas: 2))
        _ = controller.brokerExpired(3)
        XCTAssertTrue(controller.controlledShutdown(of: 2).result.map(\.mayExit) == .success(true))
        XCTAssertEqual(controller.snapshot.partitions[p0]?.elr, [2])
        _ = controller.brokerExpired(2)
        XCTAssertEqual(controller.snapshot.cleanlyShutDown, [2])
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[p0]?.leader, -1)
        XCTAssertFalse(controller.snapshot.cleanlyShutDown.contains(1), "1 crashed")
        _ = controller.brokerRegistered(F.broker(2, incarnation: 99))
        XCTAssertEqual(controller.snapshot.partitions[p0]?.leader, 2)
        XCTAssertEqual(controller.snapshot.cleanlyShutDown, [], "the marker is used up")
    }

    func testIsrBackAtMinInsyncClearsTheElr() {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 2, elr: [2],
                                             lastKnownElr: [3])
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]], states: [state],
                                 policy: TopicElectionPolicy(minInsyncReplicas: 2))
        let answer = controller.alterPartition(AlterPartitionRequest(brokerId: 1, partition: p0, leaderEpoch: 0,
                                                                     partitionEpoch: 2, newIsr: [1, 3]))
        XCTAssertEqual(answer.result,
                       .success(PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 3], partitionEpoch: 3)))
    }

    func testRestartBeforeTheOldLeaseExpiredCountsAsADeparture() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]])
        let effects = controller.brokerRegistered(F.broker(1, incarnation: 2))
        XCTAssertEqual(F.writes(effects)[p0], PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 1))
        XCTAssertEqual(controller.snapshot.liveBrokers[1]?.incarnation, 2)
    }

    func testRepeatedRegistrationOfTheSameRunChangesNothing() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]])
        var moved = F.broker(1)
        moved.host = "10.0.0.1"
        XCTAssertEqual(controller.brokerRegistered(moved), [])
        XCTAssertEqual(controller.snapshot.liveBrokers[1]?.host, "10.0.0.1")
    }

    func testEveryPartitionOfTheBrokerIsDecidedInOneEvent() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2], [2, 1], [3, 2]])
        let written = F.writes(controller.brokerExpired(1))
        XCTAssertEqual(written.count, 2)
        XCTAssertEqual(written[F.partition(0)]?.leader, 2)
        XCTAssertEqual(written[F.partition(1)], PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2], partitionEpoch: 1))
    }
}
