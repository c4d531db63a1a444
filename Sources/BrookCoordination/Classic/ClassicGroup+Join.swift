import BrookProtocol
import NIOCore

/// JoinGroup: new members (dynamic, static, MEMBER_ID_REQUIRED) and rejoining members.
extension ClassicGroup {
    /// Handles a JoinGroup; the answer comes back as a `respondJoin` effect for `token`, now or later.
    public mutating func join(_ request: JoinGroupInput, token: RequestToken, now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        if !acceptsJoiningMember(request.memberId) {
            if members[request.memberId] != nil || pendingJoinMembers.contains(request.memberId) {
                remove(request.memberId, answering: .groupMaxSizeReached, &effects)
                maybeCompleteJoinPhase(&effects)
            }
            effects.append(.respondJoin(token, .failure(.groupMaxSizeReached)))
        } else if request.memberId.isEmpty {
            joinNewMember(request, token: token, &effects)
        } else {
            joinExistingMember(request, token: token, &effects)
        }
        return effects
    }

    /// `group.max.size`: existing (or already waiting) members are always let back in.
    func acceptsJoiningMember(_ memberId: String) -> Bool {
        let maxSize = Int(config.maxGroupSize)
        switch state {
        case .empty, .dead:
            return true
        case .preparingRebalance:
            return members[memberId]?.isAwaitingJoin == true || numAwaitingJoin < maxSize
        case .completingRebalance, .stable:
            return members[memberId] != nil || members.count < maxSize
        }
    }

    private mutating func joinNewMember(_ request: JoinGroupInput, token: RequestToken, _ effects: inout [GroupEffect]) {
        if state == .dead {
            effects.append(.respondJoin(token, .failure(.coordinatorNotAvailable)))
            return
        }
        guard supportsProtocols(type: request.protocolType, names: request.protocols.map(\.name)) else {
            effects.append(.respondJoin(token, .failure(.inconsistentGroupProtocol)))
            return
        }
        let newMemberId = (request.groupInstanceId ?? request.clientId) + "-" + request.newMemberIdSuffix
        if let instanceId = request.groupInstanceId {
            if let existing = staticMembers[instanceId] {
                replaceStaticMember(existing, with: newMemberId, request, token: token, &effects)
            } else {
                addMemberThenRebalance(newMemberId, request, token: token, &effects)
            }
        } else if request.requireKnownMemberId {
            // KIP-394: hand out an id and wait for the member to come back with it.
            pendingJoinMembers.insert(newMemberId)
            schedule(.heartbeat(group: groupId, member: newMemberId), afterMs: Int64(request.sessionTimeoutMs), &effects)
            effects.append(.respondJoin(token, .failure(.memberIdRequired, memberId: newMemberId)))
        } else {
            addMemberThenRebalance(newMemberId, request, token: token, &effects)
        }
    }

    private mutating func joinExistingMember(_ request: JoinGroupInput, token: RequestToken, _ effects: inout [GroupEffect]) {
        let memberId = request.memberId
        if state == .dead {
            effects.append(.respondJoin(token, .failure(.coordinatorNotAvailable, memberId: memberId)))
            return
        }
        guard supportsProtocols(type: request.protocolType, names: request.protocols.map(\.name)) else {
            effects.append(.respondJoin(token, .failure(.inconsistentGroupProtocol, memberId: memberId)))
            return
        }
        if pendingJoinMembers.contains(memberId) {
            // Pending members are dynamic; one claiming an instance id is not who it says it is.
            if request.groupInstanceId != nil {
                effects.append(.respondJoin(token, .failure(.unknownMemberId, memberId: memberId)))
            } else {
                addMemberThenRebalance(memberId, request, token: token, &effects)
            }
            return
        }
        if let error = validateMember(memberId, instanceId: request.groupInstanceId) {
            effects.append(.respondJoin(token, .failure(error, memberId: memberId)))
            return
        }
        guard let member = members[memberId] else { return }
        let unchanged = member.protocols == request.protocols
        switch state {
        case .preparingRebalance:
            updateMemberThenRebalance(memberId, request, token: token, &effects)
        case .completingRebalance where unchanged:
            // The member probably missed its join response: send the current generation again.
            effects.append(.respondJoin(token, currentGenerationJoinResult(for: memberId, includeMembers: isLeader(memberId))))
        case .stable where unchanged && !isLeader(memberId):
            // A follower with nothing new: let it sync with the current generation.
            effects.append(.respondJoin(token, currentGenerationJoinResult(for: memberId, includeMembers: false)))
        case .completingRebalance, .stable:
            // New metadata, or the leader asking for a rebalance (e.g. topic metadata changed).
            updateMemberThenRebalance(memberId, request, token: token, &effects)
        case .empty, .dead:
            effects.append(.respondJoin(token, .failure(.unknownMemberId, memberId: memberId)))
        }
    }

    func currentGenerationJoinResult(for memberId: String, includeMembers: Bool, leader: String? = nil,
                                     skipAssignment: Bool = false) -> JoinGroupResult {
        JoinGroupResult(error: .none, memberId: memberId, generationId: generationId, protocolType: protocolType,
                        protocolName: protocolName, leader: leader ?? leaderId ?? "", skipAssignment: skipAssignment,
                        members: includeMembers ? currentMemberList : [])
    }

    private mutating func addMemberThenRebalance(_ memberId: String, _ request: JoinGroupInput, token: RequestToken,
                                                 _ effects: inout [GroupEffect]) {
        var member = ClassicGroupMember(
            memberId: memberId, groupInstanceId: request.groupInstanceId, clientId: request.clientId,
            clientHost: request.clientHost, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            sessionTimeoutMs: request.sessionTimeoutMs, protocolType: request.protocolType, protocols: request.protocols)
        member.isNew = true
        member.awaitingJoin = token
        if state == .preparingRebalance && previousState == .empty { newMemberAdded = true }
        add(member)
        // A parked new member cannot heartbeat; drop it if the rebalance outlasts this.
        rescheduleHeartbeat(memberId, timeoutMs: config.newMemberJoinTimeoutMs, &effects)
        maybePrepareRebalanceOrCompleteJoin(&effects)
    }

    /// Records the member's new protocols and timeouts and parks its JoinGroup.
    mutating func updateMember(_ memberId: String, protocols: [GroupProtocol], rebalanceTimeoutMs: Int32,
                               sessionTimeoutMs: Int32, token: RequestToken?, _ effects: inout [GroupEffect]) {
        guard var member = members[memberId] else { return }
        if let previous = member.awaitingJoin, previous != token {
            // A retried JoinGroup replaces the parked one; answer the old so it is not left hanging.
            effects.append(.respondJoin(previous, .failure(.rebalanceInProgress, memberId: memberId)))
        }
        member.protocols = protocols
        member.rebalanceTimeoutMs = rebalanceTimeoutMs
        member.sessionTimeoutMs = sessionTimeoutMs
        member.awaitingJoin = token
        members[memberId] = member
    }

    private mutating func updateMemberThenRebalance(_ memberId: String, _ request: JoinGroupInput, token: RequestToken,
                                                    _ effects: inout [GroupEffect]) {
        updateMember(memberId, protocols: request.protocols, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
                     sessionTimeoutMs: request.sessionTimeoutMs, token: token, &effects)
        maybePrepareRebalanceOrCompleteJoin(&effects)
    }
}
