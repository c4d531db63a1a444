import BrookProtocol
import NIOCore

/// Static membership (KIP-345): a known `group.instance.id` rejoining with no member id takes over
/// its old member's place; a Stable group keeps its assignment and does not rebalance.
extension ClassicGroup {
    mutating func replaceStaticMember(_ oldMemberId: String, with newMemberId: String, _ request: JoinGroupInput,
                                      token: RequestToken, _ effects: inout [GroupEffect]) {
        guard let instanceId = request.groupInstanceId, var member = members.removeValue(forKey: oldMemberId) else { return }
        let previousLeader = leaderId ?? ""

        // Fence whatever the old member id still has parked.
        if let parked = member.awaitingJoin {
            effects.append(.respondJoin(parked, JoinGroupResult(error: .fencedInstanceId, memberId: oldMemberId)))
        }
        if let parked = member.awaitingSync {
            effects.append(.respondSync(parked, .failure(.fencedInstanceId)))
        }
        cancel(.heartbeat(group: groupId, member: oldMemberId), &effects)
        member.memberId = newMemberId
        member.awaitingJoin = nil
        member.awaitingSync = nil
        members[newMemberId] = member
        if let index = memberOrder.firstIndex(of: oldMemberId) { memberOrder[index] = newMemberId }
        if leaderId == oldMemberId { leaderId = newMemberId }
        staticMembers[instanceId] = newMemberId
        if pendingSyncMembers.remove(oldMemberId) != nil { pendingSyncMembers.insert(newMemberId) }
        rescheduleHeartbeat(newMemberId, &effects)
        updateMember(newMemberId, protocols: request.protocols, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
                     sessionTimeoutMs: request.sessionTimeoutMs, token: token, &effects)

        switch state {
        case .stable:
            guard protocolName == selectProtocol() else {
                maybePrepareRebalanceOrCompleteJoin(&effects)
                return
            }
            // Same protocol: no rebalance. Persist the new member id, then answer.
            members[newMemberId]?.awaitingJoin = nil
            let result: JoinGroupResult
            if request.supportsSkippingAssignment {
                let isLeader = isLeader(newMemberId)
                result = currentGenerationJoinResult(for: newMemberId, includeMembers: isLeader, skipAssignment: isLeader)
            } else {
                // Older clients would recompute the assignment as leader; name the old id so they just sync.
                result = currentGenerationJoinResult(for: newMemberId, includeMembers: false, leader: previousLeader)
            }
            effects.append(.append([metadataRecord()]))
            effects.append(.respondJoin(token, result))
        case .completingRebalance:
            // The leader may already hold the old id in its assignment: start over.
            prepareRebalance(&effects)
        case .preparingRebalance:
            maybeCompleteJoinPhase(&effects)
        case .empty, .dead:
            members[newMemberId]?.awaitingJoin = nil
            effects.append(.respondJoin(token, .failure(.unknownMemberId)))
        }
    }
}
