@testable import BrookCluster
import BrookProtocol
import BrookStorage
import XCTest

/// The member's sans-IO parts: roles announced from the mirror, the mirror ignoring stale watch
/// events, and the controller deciding again for a partition from its stored record.
final class ClusterMemberRolesTests: XCTestCase {
    private let p0 = TopicPartition(topic: "t", partition: 0)
    private let p1 = TopicPartition(topic: "t", partition: 1)

    private func registration(_ id: Int32, incarnation: Int64 = 1) -> BrokerRegistration {
        BrokerRegistration(id: id, host: "10.0.0.\(id)", port: 9090 + id, incarnation: incarnation)
    }

    private func mirror(assignments: [[Int32]], states: [PartitionLeadershipState], brokers: [Int32] = [1, 2, 3]) -> ClusterMirror {
        var mirror = ClusterMirror()
        for id in brokers {
            mirror.apply(.broker(id: id, Versioned(registration(id), version: MetadataVersion(revision: 1))))
        }
        mirror.apply(.topicCreated(TopicMetadataRecord(name: "t", topicId: KafkaUUID.random(), replicaAssignment: assignments,
                                                       configs: [:], version: MetadataVersion(revision: 2))))
        for (index, state) in states.enumerated() {
            mirror.apply(.partition(topic: "t", index: Int32(index), Versioned(state, version: MetadataVersion(revision: 3))))
        }
        return mirror
    }

    private func set(_ mirror: inout ClusterMirror, _ partition: TopicPartition, _ state: PartitionLeadershipState?, revision: Int64) {
        mirror.apply(.partition(topic: partition.topic, index: partition.partition,
                                state.map { Versioned($0, version: MetadataVersion(revision: revision)) }))
    }

    func testRolesAnnounceLeaderFollowerIsrChangesAndStops() {
        var roles = ReplicaRoles(nodeId: 1)
        var mirror = mirror(assignments: [[1, 2], [2, 1], [2, 3]],
                            states: [PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0),
                                     PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2, 1], partitionEpoch: 0),
                                     PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2, 3], partitionEpoch: 0)])
        let endpoint2 = BrokerEndpoint(nodeId: 2, host: "10.0.0.2", port: 9092)
        XCTAssertEqual(roles.update(from: mirror), [
            .becomeLeader(p0, leaderEpoch: 0, isr: [1, 2], replicas: [1, 2], partitionEpoch: 0),
            .becomeFollower(p1, leader: 2, endpoint: endpoint2, leaderEpoch: 0),
        ], "t-2 is not this node's")
        XCTAssertEqual(roles.update(from: mirror), [], "nothing changed, nothing announced")

        set(&mirror, p0, PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 1), revision: 4)
        XCTAssertEqual(roles.update(from: mirror), [.isrChanged(p0, isr: [1], partitionEpoch: 1)])

        set(&mirror, p1, PartitionLeadershipState(leader: 1, leaderEpoch: 1, isr: [1], partitionEpoch: 1), revision: 5)
        set(&mirror, p0, PartitionLeadershipState(leader: -1, leaderEpoch: 1, isr: [1], partitionEpoch: 2), revision: 6)
        XCTAssertEqual(roles.update(from: mirror), [
            .becomeFollower(p0, leader: -1, endpoint: nil, leaderEpoch: 1),
            .becomeLeader(p1, leaderEpoch: 1, isr: [1], replicas: [2, 1], partitionEpoch: 1),
        ])
        XCTAssertEqual(roles.ledPartitions, [p1])

        mirror.apply(.topicDeleted(name: "t", version: MetadataVersion(revision: 7)))
        XCTAssertEqual(roles.update(from: mirror), [.stopReplica(p0), .stopReplica(p1)])
        XCTAssertEqual(roles.ledPartitions, [])
    }

    func testAFollowerIsToldTheLeadersEndpointOnceItsRegistrationIsSeen() {
        var roles = ReplicaRoles(nodeId: 1)
        var mirror = mirror(assignments: [[2, 1]],
                            states: [PartitionLeadershipState(leader: 2, leaderEpoch: 3, isr: [2, 1], partitionEpoch: 4)],
                            brokers: [1])
        XCTAssertEqual(roles.update(from: mirror), [.becomeFollower(p0, leader: 2, endpoint: nil, leaderEpoch: 3)])
        mirror.apply(.broker(id: 2, Versioned(registration(2), version: MetadataVersion(revision: 9))))
        XCTAssertEqual(roles.update(from: mirror), [
            .becomeFollower(p0, leader: 2, endpoint: BrokerEndpoint(nodeId: 2, host: "10.0.0.2", port: 9092), leaderEpoch: 3),
        ])
    }

    func testAfterResetEveryRoleIsAnnouncedAgain() {
        var roles = ReplicaRoles(nodeId: 1)
        let mirror = mirror(assignments: [[1, 2]],
                            states: [PartitionLeadershipState(leader: 1, leaderEpoch: 2, isr: [1, 2], partitionEpoch: 2)])
        XCTAssertEqual(roles.update(from: mirror).count, 1)
        roles.reset()
        XCTAssertEqual(roles.update(from: mirror),
                       [.becomeLeader(p0, leaderEpoch: 2, isr: [1, 2], replicas: [1, 2], partitionEpoch: 2)])
    }

    func testTheMirrorIgnoresWatchPutsOlderThanWhatItKnows() {
        var mirror = mirror(assignments: [[1, 2]],
                            states: [PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0)])
        set(&mirror, p0, PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 1), revision: 10)
        set(&mirror, p0, PartitionLeadershipState(leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0), revision: 5)
        XCTAssertEqual(mirror.partitions[p0]?.value.leader, 2)
        mirror.apply(.broker(id: 1, Versioned(registration(1, incarnation: 7), version: MetadataVersion(revision: 12))))
        mirror.apply(.broker(id: 1, Versioned(registration(1, incarnation: 6), version: MetadataVersion(revision: 11))))
        XCTAssertEqual(mirror.brokers[1]?.value.incarnation, 7)
        XCTAssertTrue(mirror.isRegistered(registration(1, incarnation: 7)))
        mirror.apply(.broker(id: 1, nil))
        XCTAssertNil(mirror.brokers[1])
    }

    func testTopicConfigsSetTheElectionPolicy() {
        let record = TopicMetadataRecord(name: "t", topicId: KafkaUUID.random(), replicaAssignment: [[1, 2, 3]],
                                         configs: ["unclean.leader.election.enable": "true", "min.insync.replicas": "2"])
        let topic = ClusterMirror.controllerTopic(record, defaultPolicy: TopicElectionPolicy())
        XCTAssertEqual(topic.policy, TopicElectionPolicy(uncleanLeaderElection: true, minInsyncReplicas: 2))
        XCTAssertEqual(topic.assignments, [PartitionAssignment(replicas: [1, 2, 3])])
        let plain = ClusterMirror.controllerTopic(
            TopicMetadataRecord(name: "u", topicId: KafkaUUID.random(), replicaAssignment: [[1]], configs: [:]),
            defaultPolicy: TopicElectionPolicy(minInsyncReplicas: 3))
        XCTAssertEqual(plain.policy.minInsyncReplicas, 3)
    }

    func testReconcileMovesLeadershipOffBrokersThatAreNotLiveAndLeavesHealthyPartitionsAlone() {
        let mirror = mirror(assignments: [[1, 2, 3], [2, 3, 1]],
                            states: [PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 6),
                                     PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 2)],
                            brokers: [2, 3])
        var controller = ControllerState(snapshot: mirror.controllerSnapshot(defaultPolicy: TopicElectionPolicy()))
        XCTAssertEqual(controller.reconcileAll(), [
            .writePartitionState(p0, PartitionLeadershipState(leader: 2, leaderEpoch: 5, isr: [2, 3], partitionEpoch: 7),
                                 expectedPartitionEpoch: 6),
        ])
        XCTAssertEqual(controller.reconcileAll(), [], "deciding again changes nothing more")
    }
}
