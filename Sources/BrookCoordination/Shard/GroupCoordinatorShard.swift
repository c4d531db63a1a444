import BrookProtocol
import NIOCore

/// Every group coordinated by one `__consumer_offsets` partition, with their committed offsets.
///
/// A value-type state machine like `ClassicGroup`: requests and timer firings go in, effects come
/// out. The shell owns the partition's log and event loop, replays the log into `replay` on start-up
/// and performs the effects (appends, timers, parked responses).
public struct GroupCoordinatorShard: Sendable {
    public let config: GroupCoordinatorConfig
    public internal(set) var groups: [String: ClassicGroup] = [:]
    /// KIP-848 groups (a group id is either classic or consumer, never both).
    public internal(set) var consumerGroups: [String: ConsumerGroup] = [:]
    public internal(set) var offsets: [String: [GroupTopicPartition: CommittedOffset]] = [:]
    var expirationArmed = false

    public init(config: GroupCoordinatorConfig) {
        self.config = config
    }

    /// The group, if this shard has it.
    public func group(_ id: String) -> ClassicGroup? { groups[id] }

    /// Committed offsets of a group.
    public func committedOffsets(of groupId: String) -> [GroupTopicPartition: CommittedOffset] { offsets[groupId] ?? [:] }

    // MARK: Membership APIs

    /// JoinGroup: validates the group id and session timeout, creates the group for a new member.
    public mutating func join(_ request: JoinGroupInput, token: RequestToken, now: Int64) -> [GroupEffect] {
        if request.groupId.isEmpty {
            return [.respondJoin(token, .failure(.invalidGroupId, memberId: request.memberId))]
        }
        if request.sessionTimeoutMs < config.minSessionTimeoutMs || request.sessionTimeoutMs > config.maxSessionTimeoutMs {
            return [.respondJoin(token, .failure(.invalidSessionTimeout, memberId: request.memberId))]
        }
        var tombstones: [GroupEffect] = []
        if let consumer = consumerGroups[request.groupId] {
            guard consumer.members.isEmpty else {
                return [.respondJoin(token, .failure(.inconsistentGroupProtocol, memberId: request.memberId))]
            }
            consumerGroups.removeValue(forKey: request.groupId)
            tombstones = [.append(ConsumerGroup.records(groupId: request.groupId, from: consumer, to: nil))]
        }
        let isNewGroup = groups[request.groupId] == nil
        if isNewGroup && !request.memberId.isEmpty {
            return [.respondJoin(token, .failure(.unknownMemberId, memberId: request.memberId))]
        }
        var group = groups[request.groupId] ?? ClassicGroup(groupId: request.groupId, config: config, now: now)
        let effects = tombstones + group.join(request, token: token, now: now)
        if isNewGroup && group.memberCount == 0 && group.pendingMemberIds.isEmpty && offsets[request.groupId] == nil {
            // A refused first join leaves nothing worth keeping.
            return effects
        }
        groups[request.groupId] = group
        return effects
    }

    /// SyncGroup.
    public mutating func sync(_ request: SyncGroupInput, token: RequestToken, now: Int64) -> [GroupEffect] {
        if request.groupId.isEmpty { return [.respondSync(token, .failure(.invalidGroupId))] }
        guard var group = groups[request.groupId] else { return [.respondSync(token, .failure(.unknownMemberId))] }
        let effects = group.sync(request, token: token, now: now)
        groups[request.groupId] = group
        return effects
    }

    /// Heartbeat.
    public mutating func heartbeat(_ request: HeartbeatInput, now: Int64) -> (ErrorCode, [GroupEffect]) {
        if request.groupId.isEmpty { return (.invalidGroupId, []) }
        guard var group = groups[request.groupId] else { return (.unknownMemberId, []) }
        let result = group.heartbeat(request, now: now)
        groups[request.groupId] = group
        return result
    }

    /// LeaveGroup: an unknown group answers UNKNOWN_MEMBER_ID for each member.
    public mutating func leave(groupId: String, members leaving: [LeavingMember], now: Int64) -> (LeaveGroupResult, [GroupEffect]) {
        if groupId.isEmpty { return (LeaveGroupResult(error: .invalidGroupId, members: []), []) }
        guard var group = groups[groupId] else {
            let results = leaving.map { LeaveGroupMemberResult(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, error: .unknownMemberId) }
            return (LeaveGroupResult(error: .none, members: results), [])
        }
        let result = group.leave(leaving, now: now)
        groups[groupId] = group
        return result
    }

    // MARK: Timers

    /// Runs a timer the shard or one of its groups armed.
    public mutating func timerFired(_ timer: GroupTimer, now: Int64) -> [GroupEffect] {
        switch timer {
        case .offsetExpiration:
            guard expirationArmed else { return [] }
            expirationArmed = false
            return expireOffsets(now: now)
        case .heartbeat(let groupId, _), .join(let groupId), .sync(let groupId):
            guard var group = groups[groupId] else { return [] }
            let effects = group.timerFired(timer, now: now)
            groups[groupId] = group
            return effects
        case .consumerSession(let groupId, _), .consumerRebalance(let groupId, _):
            guard let before = consumerGroups[groupId] else { return [] }
            var group = before
            let effects = group.timerFired(timer, now: now)
            consumerGroups[groupId] = group
            return Self.persisting(effects, groupId: groupId, from: before, to: group)
        }
    }

    // MARK: Loading and unloading

    /// Applies one record read back from the log at start-up (later records win; tombstones delete).
    public mutating func replay(_ record: OffsetsTopicRecord, now: Int64) {
        switch record {
        case .offsetCommit(let groupId, let tp, let committed?):
            if groups[groupId] == nil && consumerGroups[groupId] == nil {
                groups[groupId] = ClassicGroup(groupId: groupId, config: config, now: now)
            }
            offsets[groupId, default: [:]][tp] = committed
        case .offsetCommit(let groupId, let tp, nil):
            offsets[groupId]?.removeValue(forKey: tp)
            if offsets[groupId]?.isEmpty == true { offsets.removeValue(forKey: groupId) }
        case .groupMetadata(let groupId, let value?):
            groups[groupId] = ClassicGroup(groupId: groupId, record: value, config: config, now: now)
        case .groupMetadata(let groupId, nil):
            groups.removeValue(forKey: groupId)
        case .consumerGroupEpoch, .consumerSubscriptionMetadata, .consumerMemberMetadata, .consumerTargetAssignmentEpoch,
             .consumerTargetAssignment, .consumerCurrentAssignment:
            replayConsumerRecord(record)
        }
    }

    private mutating func replayConsumerRecord(_ record: OffsetsTopicRecord) {
        let groupId = record.groupId
        if consumerGroups[groupId] == nil {
            guard !record.isTombstone else { return }
            // The empty classic group that offset commits replayed earlier stood for this group.
            if let classic = groups[groupId], classic.state == .empty, classic.memberCount == 0 {
                groups.removeValue(forKey: groupId)
            }
            consumerGroups[groupId] = ConsumerGroup(groupId: groupId, config: config)
        }
        consumerGroups[groupId]?.replay(record)
        if case .consumerGroupEpoch(_, nil) = record { consumerGroups.removeValue(forKey: groupId) }
    }

    /// `effects` followed by the records that persist a consumer group's change from `before` to
    /// `after` (after any tombstone of the classic group it replaced, so a replay sees them in order).
    static func persisting(_ effects: [GroupEffect], groupId: String, from before: ConsumerGroup?,
                           to after: ConsumerGroup?) -> [GroupEffect] {
        let records = ConsumerGroup.records(groupId: groupId, from: before, to: after)
        return records.isEmpty ? effects : effects + [.append(records)]
    }

    /// Loading is done: restart loaded members' sessions and the periodic offset expiration.
    public mutating func loadCompleted(now: Int64) -> [GroupEffect] {
        var effects: [GroupEffect] = []
        for id in groups.keys.sorted() {
            guard var group = groups[id] else { continue }
            effects += group.scheduleLoadedSessions(now: now)
            groups[id] = group
        }
        for id in consumerGroups.keys.sorted() {
            effects += consumerGroups[id]?.loadCompleted(now: now) ?? []
        }
        effects += scheduleExpiration(now: now)
        return effects
    }

    /// The coordinator is going away (shutdown): every parked request is answered NOT_COORDINATOR so
    /// clients look the coordinator up again.
    public mutating func unload() -> [GroupEffect] {
        var effects: [GroupEffect] = []
        for id in groups.keys.sorted() {
            guard let group = groups[id] else { continue }
            for member in group.allMembers {
                if let token = member.awaitingJoin { effects.append(.respondJoin(token, .failure(.notCoordinator, memberId: member.memberId))) }
                if let token = member.awaitingSync { effects.append(.respondSync(token, .failure(.notCoordinator))) }
            }
        }
        groups.removeAll()
        consumerGroups.removeAll()
        offsets.removeAll()
        return effects
    }

    mutating func scheduleExpiration(now: Int64) -> [GroupEffect] {
        expirationArmed = true
        return [.schedule(.offsetExpiration, deadline: now + config.offsetsRetentionCheckIntervalMs)]
    }
}
