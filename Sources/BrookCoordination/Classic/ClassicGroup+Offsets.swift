import BrookProtocol

/// The group's rules for committing, deleting and expiring offsets.
extension ClassicGroup {
    /// Whether a commit from this member and generation is allowed. A negative generation with no
    /// member id is an admin or simple-consumer commit, accepted only while the group is Empty.
    public func validateOffsetCommit(memberId: String, instanceId: String?, generationId requestGeneration: Int32) -> ErrorCode? {
        if state == .dead { return .coordinatorNotAvailable }
        if requestGeneration < 0 && state == .empty { return nil }
        if requestGeneration >= 0 || !memberId.isEmpty || instanceId != nil {
            if let error = validateMember(memberId, instanceId: instanceId) { return error }
            if requestGeneration != generationId { return .illegalGeneration }
        } else if state != .empty {
            return .unknownMemberId
        }
        if state == .completingRebalance { return .rebalanceInProgress }
        return nil
    }

    /// A commit keeps a member's session alive while the group is Stable or preparing a rebalance.
    mutating func offsetCommitted(by memberId: String, now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        if (state == .stable || state == .preparingRebalance) && members[memberId] != nil {
            rescheduleHeartbeat(memberId, &effects)
        }
        return effects
    }

    /// OffsetDelete is refused for a non-empty group that does not use the consumer protocol.
    public func validateOffsetDelete() -> ErrorCode? {
        switch state {
        case .dead: return .groupIdNotFound
        case .stable, .preparingRebalance, .completingRebalance: return usesConsumerProtocol ? nil : .nonEmptyGroup
        case .empty: return nil
        }
    }

    /// DeleteGroups is refused while the group has members.
    public func validateDeleteGroup() -> ErrorCode? {
        switch state {
        case .dead: return .groupIdNotFound
        case .stable, .preparingRebalance, .completingRebalance: return .nonEmptyGroup
        case .empty: return nil
        }
    }

    /// Whether members currently consume `topic` (their offsets must not be deleted or expired).
    public func isSubscribed(to topic: String) -> Bool {
        subscribedTopics.map { $0.contains(topic) } ?? usesConsumerProtocol
    }

    /// The timestamp an offset's retention counts from, or nil when the group's offsets do not expire now:
    /// the time the group became Empty (or the commit time) for an empty group, the commit time for a
    /// simple group or for topics a Stable consumer group no longer subscribes to.
    public func expirationBase(for offset: CommittedOffset) -> Int64? {
        guard let type = protocolType, !type.isEmpty else { return offset.commitTimestamp }
        if state == .empty { return stateTimestamp ?? offset.commitTimestamp }
        if usesConsumerProtocol && subscribedTopics != nil && state == .stable { return offset.commitTimestamp }
        return nil
    }
}
