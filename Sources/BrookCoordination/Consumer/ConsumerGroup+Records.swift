import BrookProtocol

/// The records that persist a KIP-848 group in `__consumer_offsets`, as Kafka writes them: after
/// each change, only what changed (member metadata, group epoch, subscription metadata, targets,
/// assignment epoch, current assignments), and tombstones for what went away.
extension ConsumerGroup {
    /// Records that turn the persisted `before` into `after` (nil: the group does not exist).
    static func records(groupId: String, from before: ConsumerGroup?, to after: ConsumerGroup?) -> [OffsetsTopicRecord] {
        var records: [OffsetsTopicRecord] = []
        let oldMembers = before?.members ?? [:]
        let newMembers = after?.members ?? [:]
        let oldTargets = before?.targetAssignment ?? [:]
        let newTargets = after?.targetAssignment ?? [:]

        // Members that left: their assignment, target and metadata (Kafka's order).
        for id in oldMembers.keys.sorted() where newMembers[id] == nil {
            records.append(.consumerCurrentAssignment(group: groupId, member: id, nil))
            if oldTargets[id] != nil { records.append(.consumerTargetAssignment(group: groupId, member: id, nil)) }
            records.append(.consumerMemberMetadata(group: groupId, member: id, nil))
        }
        guard let after else {
            guard before != nil else { return records }
            records.append(.consumerTargetAssignmentEpoch(group: groupId, nil))
            records.append(.consumerSubscriptionMetadata(group: groupId, nil))
            records.append(.consumerGroupEpoch(group: groupId, nil))
            return records
        }
        for (id, member) in newMembers.sorted(by: { $0.key < $1.key })
        where oldMembers[id]?.metadataValue != member.metadataValue {
            records.append(.consumerMemberMetadata(group: groupId, member: id, member.metadataValue))
        }
        if before == nil || before?.subscriptionMetadata != after.subscriptionMetadata {
            records.append(.consumerSubscriptionMetadata(group: groupId, after.subscriptionMetadata.values.sorted { $0.name < $1.name }))
        }
        if before == nil || before?.groupEpoch != after.groupEpoch {
            records.append(.consumerGroupEpoch(group: groupId, after.groupEpoch))
        }
        for id in Set(oldTargets.keys).union(newTargets.keys).sorted()
        where oldTargets[id]?.normalized != newTargets[id]?.normalized && newMembers[id] != nil {
            records.append(.consumerTargetAssignment(group: groupId, member: id, newTargets[id]?.normalized))
        }
        if before == nil || before?.assignmentEpoch != after.assignmentEpoch {
            records.append(.consumerTargetAssignmentEpoch(group: groupId, after.assignmentEpoch))
        }
        for (id, member) in newMembers.sorted(by: { $0.key < $1.key })
        where oldMembers[id]?.assignmentValue != member.assignmentValue {
            records.append(.consumerCurrentAssignment(group: groupId, member: id, member.assignmentValue))
        }
        return records
    }

    // MARK: Replay

    /// Applies one KIP-848 record read back from the log. Records of a member may come in any order
    /// (after compaction), so a member is created by whichever arrives first.
    mutating func replay(_ record: OffsetsTopicRecord) {
        switch record {
        case .offsetCommit, .groupMetadata:
            break
        case .consumerGroupEpoch(_, let epoch):
            groupEpoch = epoch ?? 0
        case .consumerSubscriptionMetadata(_, let topics):
            subscriptionMetadata = [:]
            for topic in topics ?? [] { subscriptionMetadata[topic.name] = topic }
        case .consumerTargetAssignmentEpoch(_, let epoch):
            assignmentEpoch = epoch ?? 0
        case .consumerTargetAssignment(_, let id, let target):
            targetAssignment[id] = target
        case .consumerMemberMetadata(_, let id, nil):
            members.removeValue(forKey: id)
            targetAssignment.removeValue(forKey: id)
        case .consumerMemberMetadata(_, let id, let m?):
            var member = members[id] ?? Self.placeholder(id)
            member.instanceId = m.instanceId
            member.rackId = m.rackId
            member.clientId = m.clientId
            member.clientHost = m.clientHost
            member.subscribedTopicNames = m.subscribedTopicNames
            member.subscribedTopicRegex = m.subscribedTopicRegex
            member.rebalanceTimeoutMs = m.rebalanceTimeoutMs
            member.serverAssignor = m.serverAssignor
            members[id] = member
        case .consumerCurrentAssignment(_, _, nil):
            break
        case .consumerCurrentAssignment(_, let id, let a?):
            var member = members[id] ?? Self.placeholder(id)
            member.memberEpoch = a.memberEpoch
            member.previousMemberEpoch = a.previousMemberEpoch
            member.state = a.state
            member.assignedPartitions = a.assignedPartitions
            member.pendingRevocation = a.pendingRevocation
            members[id] = member
        }
    }

    private static func placeholder(_ id: String) -> ConsumerGroupMember {
        ConsumerGroupMember(memberId: id, instanceId: nil, rackId: nil, clientId: "", clientHost: "",
                            rebalanceTimeoutMs: -1, subscribedTopicNames: [], serverAssignor: nil)
    }

    /// Loading is done: rebuilds what is derived from the members (static ids, partition owners) and
    /// restarts every member's session, and the revocation deadline of members still revoking, as
    /// Kafka does when a coordinator takes over.
    mutating func loadCompleted(now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        staticMembers = [:]
        partitionOwners = [:]
        for member in members.values.sorted(by: { $0.memberId < $1.memberId }) {
            replaceMember(member, previous: nil)
            schedule(.consumerSession(group: groupId, member: member.memberId),
                     afterMs: Int64(config.consumerSessionTimeoutMs), &effects)
            if member.state == .unrevokedPartitions {
                schedule(.consumerRebalance(group: groupId, member: member.memberId),
                         afterMs: Int64(max(0, member.rebalanceTimeoutMs)), &effects)
            }
        }
        return effects
    }
}
