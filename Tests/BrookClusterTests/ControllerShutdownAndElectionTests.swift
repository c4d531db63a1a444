import BrookCluster
import BrookStorage
import XCTest

/// Controlled shutdown, ElectLeaders (preferred and unclean) and the automatic leader rebalance.
final class ControllerShutdownAndElectionTests: XCTestCase {
    private typealias F = ControllerFixtures

    func testControlledShutdownMovesLeadershipAndLeavesEveryIsr() throws {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3], [2, 1, 3], [3, 2]])
        let answer = controller.controlledShutdown(of: 1)
        let progress = try answer.result.get()
        XCTAssertTrue(progress.mayExit)
        XCTAssertEqual(progress.remainingLeaderships, [])
        let written = F.writes(answer.effects)
        XCTAssertEqual(written[F.partition(0)], PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 1))
        XCTAssertEqual(written[F.partition(1)], PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2, 3], partitionEpoch: 1))
        XCTAssertNil(written[F.partition(2)])
        XCTAssertEqual(controller.snapshot.shuttingDown, [1])
        // Asking again changes nothing more.
        XCTAssertEqual(controller.controlledShutdown(of: 1).effects, [])
    }

    func testSoleIsrMemberLeavesThePartitionOfflineAndComesBackWithTheBroker() throws {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0)
        var controller = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state])
        let answer = controller.controlledShutdown(of: 1)
        XCTAssertTrue(try answer.result.get().mayExit)
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)],
                       PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 1))
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.cleanlyShutDown, [1])
        _ = controller.brokerRegistered(F.broker(1, incarnation: 2))
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)]?.leader, 1)
    }

    /// With unclean election on, the shutdown itself still never elects an out-of-sync replica (the
    /// broker's log is whole and it may be back soon); once it is gone, the topic's choice of
    /// availability applies, as in Kafka.
    func testUncleanTopicWaitsForTheShutdownToFinishBeforeAnUncleanElection() throws {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0)
        var controller = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state],
                                 policy: TopicElectionPolicy(uncleanLeaderElection: true))
        _ = controller.controlledShutdown(of: 1)
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)]?.leader, -1)
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 2, isr: [2], partitionEpoch: 2))
    }

    func testBrokerShuttingDownIsNotElected() {
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3]])
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0)
        controller.observed(F.partition(0), state: state)
        _ = controller.controlledShutdown(of: 2)
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)]?.leader, -1)
        XCTAssertEqual(controller.controlledShutdown(of: 9).result.map(\.mayExit), .failure(.brokerNotAvailable(9)))
    }

    func testExpiryDuringShutdownWithLeadershipsLeftIsACrash() {
        let state = PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0)
        var controller = F.state(brokers: [1, 2], assignments: [[1, 2]], states: [state])
        _ = controller.controlledShutdown(of: 1)
        // The shutdown's write did not land: the record still names 1 as leader when its lease goes.
        controller.observed(F.partition(0), state: state)
        _ = controller.brokerExpired(1)
        XCTAssertEqual(controller.snapshot.cleanlyShutDown, [])
    }

    func testPreferredElection() throws {
        let states = [
            PartitionLeadershipState(leader: 2, leaderEpoch: 3, isr: [1, 2, 3], partitionEpoch: 4),  // moves back
            PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2, 3], partitionEpoch: 0),  // already
            PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2, 3], partitionEpoch: 1),  // 1 out of sync
        ]
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2, 3], [1, 2, 3], [1, 2, 3]], states: states)
        let answer = controller.electLeaders(.preferred, partitions: [F.partition(0), F.partition(1), F.partition(2),
                                                                      F.partition(5)])
        let results = try answer.result.get()
        XCTAssertEqual(results[F.partition(0)], .success(1))
        XCTAssertEqual(results[F.partition(1)], .failure(.electionNotNeeded))
        XCTAssertEqual(results[F.partition(2)], .failure(.preferredLeaderNotAvailable))
        XCTAssertEqual(results[F.partition(5)], .failure(.unknownTopicOrPartition))
        XCTAssertEqual(answer.effects, [.writePartitionState(
            F.partition(0), PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 5),
            expectedPartitionEpoch: 4)])
    }

    func testPreferredLeaderDeadIsNotAvailable() throws {
        let state = PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [1, 2], partitionEpoch: 1)
        var controller = F.state(brokers: [2], assignments: [[1, 2]], states: [state])
        XCTAssertEqual(try controller.electLeaders(.preferred).result.get()[F.partition(0)],
                       .failure(.preferredLeaderNotAvailable))
    }

    func testUncleanElectLeaders() throws {
        let states = [
            PartitionLeadershipState(leader: -1, leaderEpoch: 2, isr: [1], partitionEpoch: 2),
            PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2], partitionEpoch: 0),
            PartitionLeadershipState(leader: -1, leaderEpoch: 0, isr: [1], partitionEpoch: 1),
        ]
        var controller = F.state(brokers: [2], assignments: [[1, 2], [2, 1], [1]], states: states)
        let results = try controller.electLeaders(.unclean).result.get()
        XCTAssertEqual(results[F.partition(0)], .success(2))
        XCTAssertEqual(results[F.partition(1)], .failure(.electionNotNeeded))
        XCTAssertEqual(results[F.partition(2)], .failure(.eligibleLeadersNotAvailable))
        XCTAssertEqual(controller.snapshot.partitions[F.partition(0)],
                       PartitionLeadershipState(leader: 2, leaderEpoch: 3, isr: [2], partitionEpoch: 3))
    }

    func testImbalanceAndAutomaticRebalance() {
        // Broker 1 is preferred for 10 partitions and leads 9 of them: 10 %, not above the default threshold.
        let assignments = Array(repeating: [Int32(1), 2], count: 10)
        var states = (0..<10).map { _ in PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0) }
        states[0].leader = 2
        var controller = F.state(brokers: [1, 2], assignments: assignments, states: states)
        XCTAssertEqual(controller.leaderImbalance(), [1: 0.1])
        XCTAssertEqual(controller.rebalanceLeaders(), [])
        // A second one moved away: 20 % > 10 %, both move back.
        var moved = controller.snapshot.partitions[F.partition(1)]!
        moved.leader = 2
        controller.observed(F.partition(1), state: moved)
        let effects = controller.rebalanceLeaders()
        XCTAssertEqual(Set(F.writes(effects).keys), [F.partition(0), F.partition(1)])
        XCTAssertEqual(controller.leaderImbalance(), [1: 0])
        // A higher threshold leaves it alone.
        var tolerant = F.state(brokers: [1, 2], assignments: assignments, states: states)
        tolerant.observed(F.partition(1), state: moved)
        XCTAssertEqual(tolerant.rebalanceLeaders(imbalancePercentage: 25), [])
    }

    func testEnablingUncleanElectionElectsOfflinePartitionsAtOnce() {
        let states = [PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 1),
                      PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2], partitionEpoch: 0)]
        var controller = F.state(brokers: [2], assignments: [[1, 2], [2, 1]], states: states)
        XCTAssertEqual(controller.topicPolicyChanged("t", to: TopicElectionPolicy(minInsyncReplicas: 2)), [])
        XCTAssertEqual(controller.snapshot.topics["t"]?.policy.minInsyncReplicas, 2)
        let effects = controller.topicPolicyChanged("t", to: TopicElectionPolicy(uncleanLeaderElection: true))
        XCTAssertEqual(effects, [.writePartitionState(
            F.partition(0), PartitionLeadershipState(leader: 2, leaderEpoch: 2, isr: [2], partitionEpoch: 2),
            expectedPartitionEpoch: 1)])
        XCTAssertEqual(controller.topicPolicyChanged("nope", to: TopicElectionPolicy()), [])
    }
}
