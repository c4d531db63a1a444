import BrookStorage

extension ControllerState {
    /// CreateTopics for one topic: either `partitionCount` × `replicationFactor` placed over the
    /// brokers that may lead, or explicit `assignments` (then both counts must be -1, as Kafka
    /// requires). Writes the assignment and each partition's first record: leader = first eligible
    /// replica, ISR = every replica (an empty log is in sync everywhere), epochs 0.
    public mutating func createTopic(_ name: String, partitionCount: Int32, replicationFactor: Int16,
                                     assignments manual: [ManualPartitionAssignment]? = nil,
                                     policy: TopicElectionPolicy = TopicElectionPolicy(),
                                     startIndex: Int = 0) -> ControllerAnswer<[PartitionAssignment]> {
        guard snapshot.topics[name] == nil else {
            return .failure(.topicAlreadyExists("Topic '\(name)' already exists."))
        }
        let placed: Result<[PartitionAssignment], ControllerError>
        if let manual {
            guard partitionCount == -1, replicationFactor == -1 else {
                return .failure(.invalidRequest("Both numPartitions or replicationFactor and replicasAssignments "
                    + "were set. Both cannot be used at the same time."))
            }
            placed = ReplicaAssignmentValidation.checkCreate(manual, liveBrokers: Set(snapshot.liveBrokers.keys))
        } else {
            var placement = makePlacement()
            placed = placement.place(partitions: Int(partitionCount), replicationFactor: Int(replicationFactor),
                                     startIndex: startIndex)
        }
        guard case .success(let assignments) = placed else { return ControllerAnswer(effects: [], result: placed) }
        snapshot.topics[name] = ControllerTopic(assignments: assignments, policy: policy)
        var effects: [ControllerEffect] = [
            .writeTopicAssignment(topic: name, assignments: assignments, create: true, previousPartitionCount: 0),
        ]
        effects += addInitialStates(name, assignments: assignments, from: 0)
        return ControllerAnswer(effects: effects, result: .success(assignments))
    }

    /// CreatePartitions: grows `name` to `totalCount` partitions, placed like new ones (continuing
    /// from the cluster's load) or as `assignments` names them (one per new partition, with the
    /// topic's replication factor).
    public mutating func createPartitions(_ name: String, totalCount: Int32, assignments manual: [[Int32]]? = nil,
                                          startIndex: Int = 0) -> ControllerAnswer<[PartitionAssignment]> {
        guard var topic = snapshot.topics[name] else { return .failure(.unknownTopicOrPartition) }
        let current = topic.assignments.count
        if Int(totalCount) < current {
            return .failure(.invalidPartitions(
                "The topic \(name) currently has \(current) partition(s); \(totalCount) would not be an increase."))
        }
        if Int(totalCount) == current {
            return .failure(.invalidPartitions("Topic already has \(current) partition(s)."))
        }
        let additional = Int(totalCount) - current
        let replicationFactor = topic.assignments.first?.replicas.count ?? 1
        let placed: Result<[PartitionAssignment], ControllerError>
        if let manual {
            placed = ReplicaAssignmentValidation.checkAdditional(manual, additional: additional,
                                                                 replicationFactor: replicationFactor,
                                                                 liveBrokers: Set(snapshot.liveBrokers.keys))
        } else {
            var placement = makePlacement()
            placed = placement.place(partitions: additional, replicationFactor: replicationFactor, startIndex: startIndex)
        }
        guard case .success(let added) = placed else { return ControllerAnswer(effects: [], result: placed) }
        topic.assignments += added
        snapshot.topics[name] = topic
        var effects: [ControllerEffect] = [
            .writeTopicAssignment(topic: name, assignments: topic.assignments, create: false,
                                  previousPartitionCount: current),
        ]
        effects += addInitialStates(name, assignments: added, from: Int32(current))
        return ControllerAnswer(effects: effects, result: .success(added))
    }

    /// Placement over the brokers that may take new replicas, continuing from every topic's load.
    private func makePlacement() -> ReplicaPlacement {
        let brokers = snapshot.liveBrokers.values.filter { !snapshot.shuttingDown.contains($0.id) }
        let existing = snapshot.topics.keys.sorted().flatMap { snapshot.topics[$0]?.assignments ?? [] }
        return ReplicaPlacement(brokers: Array(brokers), existing: existing)
    }

    private mutating func addInitialStates(_ name: String, assignments: [PartitionAssignment],
                                           from first: Int32) -> [ControllerEffect] {
        var effects: [ControllerEffect] = []
        for (offset, assignment) in assignments.enumerated() {
            let partition = TopicPartition(topic: name, partition: first + Int32(offset))
            let leader = assignment.replicas.first { snapshot.isEligible($0) } ?? PartitionLeadershipState.noLeader
            let state = PartitionLeadershipState(leader: leader, leaderEpoch: 0, isr: assignment.replicas,
                                                 partitionEpoch: 0)
            snapshot.partitions[partition] = state
            effects.append(.writePartitionState(partition, state, expectedPartitionEpoch: nil))
        }
        return effects
    }
}
