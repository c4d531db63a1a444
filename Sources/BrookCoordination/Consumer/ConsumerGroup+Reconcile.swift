import BrookProtocol

/// Moving a member toward its target assignment: partitions leaving it are revoked first (and it
/// keeps its epoch until it confirms); partitions coming to it are handed over only once their
/// previous owner has released them.
extension ConsumerGroup {
    func reconcile(_ member: ConsumerGroupMember, target: TopicAssignment, owned: TopicAssignment?) -> ConsumerGroupMember {
        switch member.state {
        case .stable:
            return member.memberEpoch == assignmentEpoch ? member
                : nextAssignment(member, epoch: member.memberEpoch, target: target, owned: owned)
        case .unrevokedPartitions:
            if Self.owns(owned, any: member.pendingRevocation) { return member }
            return nextAssignment(member, epoch: member.memberEpoch + 1, target: target, owned: owned)
        case .unreleasedPartitions:
            return nextAssignment(member, epoch: member.memberEpoch, target: target, owned: owned)
        }
    }

    /// Whether the member still reports owning any of `partitions` (nil: it did not say, so assume it does).
    static func owns(_ owned: TopicAssignment?, any partitions: TopicAssignment) -> Bool {
        guard let owned else { return true }
        return owned.contains { topic, ps in !(partitions[topic] ?? []).isDisjoint(with: ps) }
    }

    private func nextAssignment(_ member: ConsumerGroupMember, epoch: Int32, target: TopicAssignment,
                                owned: TopicAssignment?) -> ConsumerGroupMember {
        var kept: TopicAssignment = [:]
        var revoke: TopicAssignment = [:]
        var incoming: TopicAssignment = [:]
        var unreleased = false
        for topic in Set(target.keys).union(member.assignedPartitions.keys) {
            let goal = target[topic] ?? []
            let current = member.assignedPartitions[topic] ?? []
            let keep = current.intersection(goal)
            let free = goal.subtracting(keep).filter { owner(of: topic, $0) == nil }
            if free.count < goal.subtracting(keep).count { unreleased = true }
            if !keep.isEmpty { kept[topic] = keep }
            if !current.subtracting(keep).isEmpty { revoke[topic] = current.subtracting(keep) }
            if !free.isEmpty { incoming[topic] = free }
        }
        var next = member
        func setEpoch(_ value: Int32) {
            if value != next.memberEpoch { next.previousMemberEpoch = next.memberEpoch }
            next.memberEpoch = value
        }
        if !revoke.isEmpty && Self.owns(owned, any: revoke) {
            next.state = .unrevokedPartitions
            setEpoch(epoch)
            next.assignedPartitions = kept
            next.pendingRevocation = revoke
            return next
        }
        next.assignedPartitions = kept.merging(incoming) { $0.union($1) }
        next.pendingRevocation = [:]
        next.state = unreleased ? .unreleasedPartitions : .stable
        setEpoch(assignmentEpoch)
        return next
    }
}
