import BrookProtocol

/// ConsumerGroupHeartbeat: joining, staying, leaving, and the epoch checks between them.
extension ConsumerGroup {
    /// A regular heartbeat (epoch ≥ 0). The request was validated by the shard.
    public mutating func heartbeat(_ request: ConsumerGroupHeartbeatInput, topics: TopicsImage,
                                   now: Int64) -> (ConsumerGroupHeartbeatResult, [GroupEffect]) {
        self.now = now
        var effects: [GroupEffect] = []
        let memberId = request.memberId.isEmpty ? request.newMemberId : request.memberId
        let existing: ConsumerGroupMember?
        switch resolveMember(request, memberId: memberId, &effects) {
        case .failure(let error): return (.failure(error), effects)
        case .success(let member): existing = member
        }
        if existing == nil && members.count >= Int(config.consumerMaxGroupSize) {
            return (.failure(.groupMaxSizeReached), effects)
        }

        var member = existing ?? ConsumerGroupMember(
            memberId: memberId, instanceId: request.instanceId, rackId: request.rackId, clientId: request.clientId,
            clientHost: request.clientHost, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            subscribedTopicNames: request.subscribedTopicNames ?? [], subscribedTopicRegex: nil,
            serverAssignor: request.serverAssignor)
        let before = member
        if let rack = request.rackId { member.rackId = rack }
        if request.rebalanceTimeoutMs != -1 { member.rebalanceTimeoutMs = request.rebalanceTimeoutMs }
        if let assignor = request.serverAssignor { member.serverAssignor = assignor }
        if let names = request.subscribedTopicNames { member.subscribedTopicNames = names.sorted() }
        if let pattern = request.subscribedTopicRegex { member.subscribedTopicRegex = pattern.isEmpty ? nil : pattern }
        member.clientId = request.clientId
        member.clientHost = request.clientHost

        var bump = existing == nil || Set(before.subscribedTopicNames) != Set(member.subscribedTopicNames)
            || before.subscribedTopicRegex != member.subscribedTopicRegex
        // Subscribed topics appearing, disappearing or growing also call for a new assignment.
        var subscribed = Set(members.values.filter { $0.memberId != memberId }.flatMap { $0.subscribedTopics(in: topics) })
        subscribed.formUnion(member.subscribedTopics(in: topics))
        var metadata: [String: TopicImage] = [:]
        for name in subscribed { if let topic = topics.byName[name] { metadata[name] = topic } }
        if metadata != subscriptionMetadata {
            subscriptionMetadata = metadata
            bump = true
        }
        if bump { groupEpoch += 1 }

        var withMember = self
        withMember.members[memberId] = member
        if groupEpoch > assignmentEpoch {
            let assignor = withMember.preferredAssignor
            let inputs = withMember.members.values.map {
                AssignorMember(memberId: $0.memberId, subscribedTopics: $0.subscribedTopics(in: topics),
                               previous: targetAssignment[$0.memberId] ?? [:])
            }
            targetAssignment = assignor.assign(members: inputs, topics: subscriptionMetadata)
            assignmentEpoch = groupEpoch
        }

        let reconciled = reconcile(member, target: targetAssignment[memberId] ?? [:], owned: request.ownedTopicPartitions)
        replaceMember(reconciled, previous: existing)
        schedule(.consumerSession(group: groupId, member: memberId), afterMs: Int64(config.consumerSessionTimeoutMs), &effects)
        if reconciled.state == .unrevokedPartitions {
            if before.state != .unrevokedPartitions || existing == nil {
                schedule(.consumerRebalance(group: groupId, member: memberId), afterMs: Int64(reconciled.rebalanceTimeoutMs), &effects)
            }
        } else {
            cancel(.consumerRebalance(group: groupId, member: memberId), &effects)
        }

        let full = request.memberEpoch == 0
            || (request.rebalanceTimeoutMs != -1 && request.subscribedTopicNames != nil && request.ownedTopicPartitions != nil)
        let changed = existing == nil || before.assignedPartitions.normalized != reconciled.assignedPartitions.normalized
        let result = ConsumerGroupHeartbeatResult(
            error: .none, memberId: memberId, memberEpoch: reconciled.memberEpoch,
            heartbeatIntervalMs: config.consumerHeartbeatIntervalMs,
            assignment: full || changed ? reconciled.assignedPartitions.normalized : nil)
        return (result, effects)
    }

    /// Finds the member a heartbeat is from, checking its epoch; nil for a member joining now.
    private mutating func resolveMember(_ request: ConsumerGroupHeartbeatInput, memberId: String,
                                        _ effects: inout [GroupEffect]) -> Result<ConsumerGroupMember?, ErrorCode> {
        if let instanceId = request.instanceId, let current = staticMembers[instanceId], current != memberId {
            guard request.memberEpoch == 0 else { return .failure(.fencedInstanceId) }
            guard var previous = members[current], previous.memberEpoch == -2 else { return .failure(.unreleasedInstanceId) }
            // The static member comes back: the new id takes over the old one's assignment, no rebalance.
            remove(current, &effects)
            previous.memberId = memberId
            previous.memberEpoch = assignmentEpoch
            previous.state = .stable
            if let target = targetAssignment.removeValue(forKey: current) { targetAssignment[memberId] = target }
            return .success(previous)
        }
        guard let member = members[memberId] else {
            return request.memberEpoch == 0 ? .success(nil) : .failure(.unknownMemberId)
        }
        if request.memberEpoch == 0 {
            // Rejoining with the same id after losing its epoch: start over.
            fence(memberId, &effects)
            return .success(nil)
        }
        if request.memberEpoch > member.memberEpoch { return .failure(.fencedMemberEpoch) }
        if request.memberEpoch < member.memberEpoch {
            // The response with the new epoch may have been lost: accept the previous epoch with a subset of the partitions.
            let owned = request.ownedTopicPartitions ?? [:]
            let subset = owned.allSatisfy { topic, partitions in partitions.isSubset(of: member.assignedPartitions[topic] ?? []) }
            if request.memberEpoch != member.previousMemberEpoch || !subset { return .failure(.fencedMemberEpoch) }
        }
        return .success(member)
    }

    /// Leaving (-1), or a static member leaving temporarily (-2) while keeping its assignment.
    public mutating func leave(_ request: ConsumerGroupHeartbeatInput, now: Int64) -> (ConsumerGroupHeartbeatResult, [GroupEffect]) {
        self.now = now
        var effects: [GroupEffect] = []
        let memberId: String
        if let instanceId = request.instanceId {
            guard let current = staticMembers[instanceId] else { return (.failure(.unknownMemberId), effects) }
            guard current == request.memberId else { return (.failure(.fencedInstanceId), effects) }
            memberId = current
        } else {
            guard members[request.memberId] != nil else { return (.failure(.unknownMemberId), effects) }
            memberId = request.memberId
        }
        if request.memberEpoch == -2, var member = members[memberId] {
            let previous = member
            member.memberEpoch = -2
            member.pendingRevocation = [:]
            replaceMember(member, previous: previous)
            return (ConsumerGroupHeartbeatResult(error: .none, memberId: memberId, memberEpoch: -2), effects)
        }
        fence(memberId, &effects)
        return (ConsumerGroupHeartbeatResult(error: .none, memberId: memberId, memberEpoch: -1), effects)
    }
}
