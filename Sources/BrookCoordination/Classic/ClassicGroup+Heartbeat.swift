import BrookProtocol

/// Heartbeat and session expiry.
extension ClassicGroup {
    /// Handles a Heartbeat: NONE while Stable or CompletingRebalance, REBALANCE_IN_PROGRESS while
    /// preparing a rebalance (the member must rejoin); a valid heartbeat restarts the session timer.
    public mutating func heartbeat(_ request: HeartbeatInput, now: Int64) -> (ErrorCode, [GroupEffect]) {
        self.now = now
        var effects: [GroupEffect] = []
        if state == .dead { return (.coordinatorNotAvailable, effects) }
        if let error = validateMember(request.memberId, instanceId: request.groupInstanceId) { return (error, effects) }
        if request.generationId != generationId { return (.illegalGeneration, effects) }
        switch state {
        case .empty, .dead:
            return (.unknownMemberId, effects)
        case .preparingRebalance:
            rescheduleHeartbeat(request.memberId, &effects)
            return (.rebalanceInProgress, effects)
        case .completingRebalance, .stable:
            rescheduleHeartbeat(request.memberId, &effects)
            return (.none, effects)
        }
    }

    /// A member's (or pending member's) session deadline passed.
    mutating func heartbeatExpired(_ memberId: String, _ effects: inout [GroupEffect]) {
        guard state != .dead else { return }
        if pendingJoinMembers.contains(memberId) {
            remove(memberId, answering: .unknownMemberId, &effects)
            if state == .preparingRebalance && hasAllMembersJoined { completeJoinPhase(&effects) }
            return
        }
        guard let member = members[memberId], !member.hasSatisfiedHeartbeat else { return }
        remove(memberId, answering: .unknownMemberId, &effects)
        if state == .stable || state == .completingRebalance {
            maybePrepareRebalanceOrCompleteJoin(&effects)
        } else if state == .preparingRebalance && hasAllMembersJoined {
            completeJoinPhase(&effects)
        }
    }

    /// Runs a timer this group armed; unknown or already-cancelled timers are ignored.
    public mutating func timerFired(_ timer: GroupTimer, now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        guard armedTimers.removeValue(forKey: timer) != nil else { return effects }
        switch timer {
        case .heartbeat(_, let member): heartbeatExpired(member, &effects)
        case .join: joinTimerFired(&effects)
        case .sync: syncTimerFired(&effects)
        case .consumerSession, .consumerRebalance, .offsetExpiration: break
        }
        return effects
    }
}
