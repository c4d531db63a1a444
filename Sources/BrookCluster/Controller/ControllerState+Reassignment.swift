import BrookStorage

/// One partition's reassignment in flight, as ListPartitionReassignments reports it.
public struct OngoingReassignment: Sendable, Hashable {
    public var partition: TopicPartition
    /// The replica set while it runs: the target, then the replicas being removed.
    public var replicas: [Int32]
    public var adding: [Int32]
    public var removing: [Int32]

    public init(partition: TopicPartition, replicas: [Int32], adding: [Int32], removing: [Int32]) {
        self.partition = partition
        self.replicas = replicas
        self.adding = adding
        self.removing = removing
    }
}

/// Partition reassignment (Kafka's KIP-455, as its KRaft controller does it).
///
/// Reassigning a partition to target replicas R widens its replica set to R followed by the current
/// replicas not in R; the partition record names the replicas being added (R − current, followers
/// outside the ISR that start copying the log) and removed (current − R). Once every replica of R
/// is in the ISR, the reassignment completes: the replica set becomes R, the ISR loses the removed
/// replicas and, when the leader is among them, leadership moves to the first in-sync replica of R.
/// Brokers no longer named stop their replica and delete it. A new target replaces one in flight
/// (computed from the replicas before it); a null target cancels: the replicas being added go,
/// those being removed stay.
///
/// The replica set lives in the topic record and the adding/removing lists in the partition record;
/// both change together in one fenced transaction (`ControllerEffect.writeReassignment`).
extension ControllerState {
    /// AlterPartitionReassignments for one partition: `target` nil cancels the one in flight.
    /// Answers the replica set the partition has afterwards.
    public mutating func reassign(_ partition: TopicPartition, to target: [Int32]?) -> ControllerAnswer<[Int32]> {
        guard let state = snapshot.partitions[partition], let assignment = snapshot.assignment(partition) else {
            return .failure(.unknownTopicOrPartition)
        }
        guard let target else { return cancelReassignment(partition, state, replicas: assignment.replicas) }
        if let error = ReplicaAssignmentValidation.check(target, liveBrokers: Set(snapshot.liveBrokers.keys),
                                                         replicationFactor: nil) {
            return .failure(error)
        }
        // A reassignment in flight is replaced: the new one starts from the replicas before it.
        let original = assignment.replicas.filter { !state.addingReplicas.contains($0) }
        let removing = original.filter { !target.contains($0) }
        let replicas = target + removing
        var next = state
        next.addingReplicas = target.filter { !original.contains($0) }
        next.removingReplicas = removing
        next.isr = state.isr.filter { replicas.contains($0) }
        guard !next.isr.isEmpty else {
            return .failure(.invalidReplicaAssignment(
                "Unable to reassign \(partition): no replica of the new set \(replicas) is in sync."))
        }
        next = Self.keepOnly(replicas, in: next)
        var change = PartitionChange(next, replicas: replicas, policy: snapshot.policy(partition.topic))
        change.electIfNeeded(snapshot, allowUnclean: false)
        let (finalReplicas, finalState) = completed(partition, replicas: replicas, change.state)
            ?? (replicas, change.state)
        return ControllerAnswer(effects: write(partition, replicas: finalReplicas, finalState, before: state),
                                result: .success(finalReplicas))
    }

    /// The reassignments in flight among `partitions` (nil: all), in stable order.
    public func ongoingReassignments(_ partitions: [TopicPartition]? = nil) -> [OngoingReassignment] {
        let candidates = partitions.map { Set($0).sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) } }
            ?? snapshot.sortedPartitions
        return candidates.compactMap { partition in
            guard let state = snapshot.partitions[partition], state.isReassigning,
                  let assignment = snapshot.assignment(partition) else { return nil }
            return OngoingReassignment(partition: partition, replicas: assignment.replicas,
                                       adding: state.addingReplicas, removing: state.removingReplicas)
        }
    }

    /// Completes `partition`'s reassignment when every target replica is in sync (called whenever
    /// its record changed: a leader's ISR expansion, a new controller's takeover).
    mutating func completeReassignmentIfReady(_ partition: TopicPartition) -> [ControllerEffect] {
        guard let state = snapshot.partitions[partition], state.isReassigning,
              let replicas = snapshot.assignment(partition)?.replicas,
              let (target, next) = completed(partition, replicas: replicas, state) else { return [] }
        return write(partition, replicas: target, next, before: state)
    }

    // MARK: Rules

    /// The replica set and record once the reassignment of `state` completes; nil while a target
    /// replica is not in sync or no target replica could lead.
    private func completed(_ partition: TopicPartition, replicas: [Int32],
                           _ state: PartitionLeadershipState) -> ([Int32], PartitionLeadershipState)? {
        guard state.isReassigning else { return nil }
        let target = replicas.filter { !state.removingReplicas.contains($0) }
        guard !target.isEmpty, target.allSatisfy(state.isr.contains) else { return nil }
        var next = state
        next.addingReplicas = []
        next.removingReplicas = []
        next.isr = state.isr.filter { target.contains($0) }
        next = Self.keepOnly(target, in: next)
        var change = PartitionChange(next, replicas: target, policy: snapshot.policy(partition.topic))
        change.electIfNeeded(snapshot, allowUnclean: false)
        guard !change.state.isOffline else { return nil }
        return (target, change.state)
    }

    /// A null target: the replicas being added leave (and stop), those being removed stay. Refused
    /// when nothing is in flight, or when only added replicas are in sync and the topic does not
    /// allow an unclean election (Kafka's rule).
    private mutating func cancelReassignment(_ partition: TopicPartition, _ state: PartitionLeadershipState,
                                             replicas: [Int32]) -> ControllerAnswer<[Int32]> {
        guard state.isReassigning else { return .failure(.noReassignmentInProgress) }
        let original = replicas.filter { !state.addingReplicas.contains($0) }
        let policy = snapshot.policy(partition.topic)
        var next = state
        next.addingReplicas = []
        next.removingReplicas = []
        next.isr = state.isr.filter { original.contains($0) }
        if next.isr.isEmpty, let first = original.first {
            guard policy.uncleanLeaderElection else {
                return .failure(.invalidReplicaAssignment(
                    "Unable to revert partition assignment for \(partition) because it would cause an unclean leader election."))
            }
            next.isr = [first]
        }
        next = Self.keepOnly(original, in: next)
        var change = PartitionChange(next, replicas: original, policy: policy)
        change.electIfNeeded(snapshot, allowUnclean: policy.uncleanLeaderElection)
        return ControllerAnswer(effects: write(partition, replicas: original, change.state, before: state),
                                result: .success(original))
    }

    /// Drops replicas outside `replicas` from the ELR lists (they hold no replica any more).
    private static func keepOnly(_ replicas: [Int32], in state: PartitionLeadershipState) -> PartitionLeadershipState {
        var state = state
        state.elr = state.elr.filter { replicas.contains($0) }
        state.lastKnownElr = state.lastKnownElr.filter { replicas.contains($0) }
        return state
    }

    /// Records the new replica set and record in the snapshot and returns their write (nothing when
    /// neither changed). The partition epoch increases; the leader epoch on a leader change.
    private mutating func write(_ partition: TopicPartition, replicas: [Int32], _ proposed: PartitionLeadershipState,
                                before: PartitionLeadershipState) -> [ControllerEffect] {
        guard var topic = snapshot.topics[partition.topic], Int(partition.partition) < topic.assignments.count else { return [] }
        let index = Int(partition.partition)
        guard proposed != before || topic.assignments[index].replicas != replicas else { return [] }
        var next = proposed
        next.leaderEpoch = proposed.leader != before.leader ? before.leaderEpoch + 1 : before.leaderEpoch
        next.partitionEpoch = before.partitionEpoch + 1
        topic.assignments[index] = PartitionAssignment(replicas: replicas)
        snapshot.topics[partition.topic] = topic
        snapshot.partitions[partition] = next
        return [.writeReassignment(partition, replicas: replicas, state: next, expectedPartitionEpoch: before.partitionEpoch)]
    }
}
