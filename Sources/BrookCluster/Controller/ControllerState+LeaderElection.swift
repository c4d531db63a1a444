import BrookStorage

/// ElectLeaders' election types (Kafka's `ElectionType`: 0 preferred, 1 unclean).
public enum ElectionType: Int8, Sendable, Hashable {
    case preferred = 0
    case unclean = 1
}

extension ControllerState {
    /// ElectLeaders: per partition, the new leader or Kafka's error. `partitions` nil: every partition.
    /// Preferred: the first replica leads when it is live, not shutting down and in the ISR
    /// (ELECTION_NOT_NEEDED when it already leads, PREFERRED_LEADER_NOT_AVAILABLE otherwise).
    /// Unclean: only a partition without a leader; an ISR or ELR member first, else any live replica
    /// (ELIGIBLE_LEADERS_NOT_AVAILABLE when none is live).
    public mutating func electLeaders(_ type: ElectionType, partitions: [TopicPartition]? = nil)
        -> ControllerAnswer<[TopicPartition: Result<Int32, ControllerError>]> {
        var effects: [ControllerEffect] = []
        var results: [TopicPartition: Result<Int32, ControllerError>] = [:]
        for partition in partitions ?? snapshot.sortedPartitions {
            guard let state = snapshot.partitions[partition], let assignment = snapshot.assignment(partition) else {
                results[partition] = .failure(.unknownTopicOrPartition)
                continue
            }
            switch type {
            case .preferred:
                guard let preferred = assignment.preferredLeader else {
                    results[partition] = .failure(.preferredLeaderNotAvailable)
                    continue
                }
                if state.leader == preferred {
                    results[partition] = .failure(.electionNotNeeded)
                } else if state.isr.contains(preferred), snapshot.isEligible(preferred) {
                    effects += change(partition) { change, _ in change.setLeader(preferred) }
                    results[partition] = .success(preferred)
                } else {
                    results[partition] = .failure(.preferredLeaderNotAvailable)
                }
            case .unclean:
                guard state.isOffline else {
                    results[partition] = .failure(.electionNotNeeded)
                    continue
                }
                effects += change(partition) { change, snapshot in change.electIfNeeded(snapshot, allowUnclean: true) }
                let leader = snapshot.partitions[partition]?.leader ?? PartitionLeadershipState.noLeader
                results[partition] = leader == PartitionLeadershipState.noLeader
                    ? .failure(.eligibleLeadersNotAvailable) : .success(leader)
            }
        }
        return ControllerAnswer(effects: effects, result: .success(results))
    }

    /// Kafka's leader imbalance per broker: of the partitions whose preferred leader it is, the
    /// share it does not lead. Brokers preferred for nothing are left out.
    public func leaderImbalance() -> [Int32: Double] {
        var preferredCount: [Int32: Int] = [:]
        var notLeading: [Int32: Int] = [:]
        for (partition, state) in snapshot.partitions {
            guard let preferred = snapshot.assignment(partition)?.preferredLeader else { continue }
            preferredCount[preferred, default: 0] += 1
            if state.leader != preferred { notLeading[preferred, default: 0] += 1 }
        }
        return preferredCount.reduce(into: [:]) { ratios, entry in
            ratios[entry.key] = Double(notLeading[entry.key, default: 0]) / Double(entry.value)
        }
    }

    /// `auto.leader.rebalance.enable`'s periodic check: for each broker whose imbalance exceeds
    /// `leader.imbalance.per.broker.percentage` (Kafka default 10), moves leadership back to it on
    /// every partition where it is preferred and can lead.
    public mutating func rebalanceLeaders(imbalancePercentage: Int = 10) -> [ControllerEffect] {
        let threshold = Double(imbalancePercentage) / 100
        let imbalanced = Set(leaderImbalance().filter { $0.value > threshold }.keys)
        guard !imbalanced.isEmpty else { return [] }
        let candidates = snapshot.sortedPartitions.filter { partition in
            guard let preferred = snapshot.assignment(partition)?.preferredLeader else { return false }
            return imbalanced.contains(preferred)
        }
        return electLeaders(.preferred, partitions: candidates).effects
    }
}

extension ControllerState {
    /// A topic's `unclean.leader.election.enable` or `min.insync.replicas` changed. Turning unclean
    /// election on elects a leader for its offline partitions at once (a live replica, if any).
    public mutating func topicPolicyChanged(_ name: String, to policy: TopicElectionPolicy) -> [ControllerEffect] {
        guard var topic = snapshot.topics[name] else { return [] }
        topic.policy = policy
        snapshot.topics[name] = topic
        guard policy.uncleanLeaderElection else { return [] }
        var effects: [ControllerEffect] = []
        for partition in snapshot.sortedPartitions where partition.topic == name {
            guard snapshot.partitions[partition]?.isOffline == true else { continue }
            effects += change(partition) { change, snapshot in change.electIfNeeded(snapshot, allowUnclean: true) }
        }
        return effects
    }
}
