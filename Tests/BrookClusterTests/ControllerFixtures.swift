import BrookCluster
import BrookStorage

/// Hand-built controller snapshots for the controller tests.
enum ControllerFixtures {
    static func broker(_ id: Int32, rack: String? = nil, incarnation: Int64 = 1) -> BrokerRegistration {
        BrokerRegistration(id: id, host: "127.0.0.1", port: 9090 + id, rack: rack, incarnation: incarnation)
    }

    static func partition(_ index: Int32, of topic: String = "t") -> TopicPartition {
        TopicPartition(topic: topic, partition: index)
    }

    /// Live `brokers`, and topic "t" with `assignments` and, per partition, `states` (default: the
    /// first replica leads, every replica in sync, epochs 0).
    static func state(brokers: [Int32], assignments: [[Int32]], states: [PartitionLeadershipState]? = nil,
                      policy: TopicElectionPolicy = TopicElectionPolicy()) -> ControllerState {
        var snapshot = ControllerSnapshot()
        for id in brokers { snapshot.liveBrokers[id] = broker(id) }
        snapshot.topics["t"] = ControllerTopic(assignments: assignments.map { PartitionAssignment(replicas: $0) },
                                               policy: policy)
        for (index, replicas) in assignments.enumerated() {
            snapshot.partitions[partition(Int32(index))] = states?[index]
                ?? PartitionLeadershipState(leader: replicas[0], leaderEpoch: 0, isr: replicas, partitionEpoch: 0)
        }
        return ControllerState(snapshot: snapshot)
    }

    /// The records the effects write, by partition (the last write wins).
    static func writes(_ effects: [ControllerEffect]) -> [TopicPartition: PartitionLeadershipState] {
        var written: [TopicPartition: PartitionLeadershipState] = [:]
        for case .writePartitionState(let partition, let state, _) in effects { written[partition] = state }
        return written
    }
}
