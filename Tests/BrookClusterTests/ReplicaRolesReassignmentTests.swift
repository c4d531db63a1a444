@testable import BrookCluster
import BrookProtocol
import BrookStorage
import XCTest

/// The roles a reassignment announces: the leader hears of the widened replica set at its epoch
/// (to track the new followers), a new replica starts following, a removed one stops.
final class ReplicaRolesReassignmentTests: XCTestCase {
    private let p0 = TopicPartition(topic: "t", partition: 0)
    private let topicId = KafkaUUID.random()

    private func mirror(replicas: [Int32], state: PartitionLeadershipState, revision: Int64) -> ClusterMirror {
        var mirror = ClusterMirror()
        for id: Int32 in [1, 2, 3] {
            let registration = BrokerRegistration(id: id, host: "10.0.0.\(id)", port: 9092, incarnation: 1)
            mirror.apply(.broker(id: id, Versioned(registration, version: MetadataVersion(revision: 1))))
        }
        mirror.apply(.topicUpdated(TopicMetadataRecord(name: "t", topicId: topicId, replicaAssignment: [replicas],
                                                       configs: [:], version: MetadataVersion(revision: revision))))
        mirror.apply(.partition(topic: "t", index: 0, Versioned(state, version: MetadataVersion(revision: revision))))
        return mirror
    }

    func testTheLeaderIsToldOfNewReplicasAtItsEpochAndRemovedReplicasStop() {
        var leader = ReplicaRoles(nodeId: 1)
        var added = ReplicaRoles(nodeId: 3)
        var removed = ReplicaRoles(nodeId: 2)
        let before = mirror(replicas: [1, 2], state: PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 2], partitionEpoch: 7),
                            revision: 2)
        _ = leader.update(from: before)
        _ = removed.update(from: before)
        XCTAssertEqual(added.update(from: before), [])

        let started = PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 2], partitionEpoch: 8,
                                               addingReplicas: [3], removingReplicas: [2])
        let during = mirror(replicas: [1, 3, 2], state: started, revision: 3)
        XCTAssertEqual(leader.update(from: during),
                       [.becomeLeader(p0, leaderEpoch: 4, isr: [1, 2], replicas: [1, 3, 2], partitionEpoch: 8)])
        let endpoint = BrokerEndpoint(nodeId: 1, host: "10.0.0.1", port: 9092)
        XCTAssertEqual(added.update(from: during), [.becomeFollower(p0, leader: 1, endpoint: endpoint, leaderEpoch: 4)])
        XCTAssertEqual(removed.update(from: during), [], "still a replica until the reassignment completes")

        let done = mirror(replicas: [1, 3], state: PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1, 3], partitionEpoch: 10),
                          revision: 4)
        XCTAssertEqual(leader.update(from: done),
                       [.becomeLeader(p0, leaderEpoch: 4, isr: [1, 3], replicas: [1, 3], partitionEpoch: 10)])
        XCTAssertEqual(removed.update(from: done), [.stopReplica(p0)])
        XCTAssertEqual(added.update(from: done), [])
    }
}
