import BrookStorage

/// What this node is for one partition it replicates, as the cluster's records say.
enum ReplicaRole: Sendable, Hashable {
    case leader(leaderEpoch: Int32, isr: [Int32], replicas: [Int32], partitionEpoch: Int32)
    /// `leader` -1 (and no endpoint) while the partition has no leader; the endpoint is nil too
    /// while the leader's registration is not seen.
    case follower(leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32)
}

/// A role change to tell the delegate about.
enum ReplicaRoleEvent: Sendable, Hashable {
    case becomeLeader(TopicPartition, leaderEpoch: Int32, isr: [Int32], replicas: [Int32], partitionEpoch: Int32)
    case becomeFollower(TopicPartition, leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32)
    case isrChanged(TopicPartition, isr: [Int32], partitionEpoch: Int32)
    case stopReplica(TopicPartition)
}

/// Remembers the roles last announced to the delegate and turns each new mirror into the
/// announcements that differ. Sans-IO.
struct ReplicaRoles: Sendable {
    let nodeId: Int32
    private(set) var roles: [TopicPartition: ReplicaRole] = [:]

    init(nodeId: Int32) {
        self.nodeId = nodeId
    }

    /// Partitions this node leads, as last announced.
    var ledPartitions: [TopicPartition] {
        roles.compactMap { partition, role in
            if case .leader = role { return partition }
            return nil
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Forgets every role (after the lease was lost: everything is announced again once registered).
    mutating func reset() {
        roles = [:]
    }

    /// The roles `mirror` implies for this node, and the announcements that get there from the last ones.
    mutating func update(from mirror: ClusterMirror) -> [ReplicaRoleEvent] {
        var next: [TopicPartition: ReplicaRole] = [:]
        for (name, record) in mirror.topics {
            for (index, replicas) in record.replicaAssignment.enumerated() where replicas.contains(nodeId) {
                let partition = TopicPartition(topic: name, partition: Int32(index))
                guard let state = mirror.partitions[partition]?.value else { continue }
                if state.leader == nodeId {
                    next[partition] = .leader(leaderEpoch: state.leaderEpoch, isr: state.isr, replicas: replicas,
                                              partitionEpoch: state.partitionEpoch)
                } else {
                    let endpoint = mirror.brokers[state.leader].map {
                        BrokerEndpoint(nodeId: $0.value.id, host: $0.value.host, port: $0.value.port, rack: $0.value.rack)
                    }
                    next[partition] = .follower(leader: state.leader, endpoint: endpoint, leaderEpoch: state.leaderEpoch)
                }
            }
        }
        var events: [ReplicaRoleEvent] = []
        for partition in roles.keys.sorted(by: Self.order) where next[partition] == nil {
            events.append(.stopReplica(partition))
        }
        for partition in next.keys.sorted(by: Self.order) {
            guard let role = next[partition], role != roles[partition] else { continue }
            switch (roles[partition], role) {
            // A changed replica set (a reassignment) is announced as leadership again at the same
            // epoch, so the leader tracks the replicas being added.
            case (.leader(let oldEpoch, _, let oldReplicas, _)?, .leader(let epoch, let isr, let replicas, let partitionEpoch))
                where oldEpoch == epoch && oldReplicas == replicas:
                events.append(.isrChanged(partition, isr: isr, partitionEpoch: partitionEpoch))
            case (_, .leader(let epoch, let isr, let replicas, let partitionEpoch)):
                events.append(.becomeLeader(partition, leaderEpoch: epoch, isr: isr, replicas: replicas,
                                            partitionEpoch: partitionEpoch))
            case (_, .follower(let leader, let endpoint, let epoch)):
                events.append(.becomeFollower(partition, leader: leader, endpoint: endpoint, leaderEpoch: epoch))
            }
        }
        roles = next
        return events
    }

    private static func order(_ a: TopicPartition, _ b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }
}
