import BrookProtocol

/// LeaveGroup: members leave by member id, or (admin, KIP-345) by instance id alone.
extension ClassicGroup {
    public mutating func leave(_ leaving: [LeavingMember], now: Int64) -> (LeaveGroupResult, [GroupEffect]) {
        self.now = now
        var effects: [GroupEffect] = []
        if state == .dead { return (LeaveGroupResult(error: .coordinatorNotAvailable, members: []), effects) }
        var results: [LeaveGroupMemberResult] = []
        for member in leaving {
            var error = ErrorCode.none
            if member.memberId.isEmpty {
                if let instanceId = member.groupInstanceId, let current = staticMembers[instanceId] {
                    remove(current, answering: .unknownMemberId, &effects)
                } else {
                    error = .unknownMemberId
                }
            } else if pendingJoinMembers.contains(member.memberId) {
                remove(member.memberId, answering: .unknownMemberId, &effects)
            } else if let problem = validateMember(member.memberId, instanceId: member.groupInstanceId) {
                error = problem
            } else {
                remove(member.memberId, answering: .unknownMemberId, &effects)
            }
            results.append(.init(memberId: member.memberId, groupInstanceId: member.groupInstanceId, error: error))
        }
        if results.contains(where: { $0.error == .none }) {
            switch state {
            case .stable, .completingRebalance: maybePrepareRebalanceOrCompleteJoin(&effects)
            case .preparingRebalance: maybeCompleteJoinPhase(&effects)
            case .empty, .dead: break
            }
        }
        return (LeaveGroupResult(error: .none, members: results), effects)
    }
}
