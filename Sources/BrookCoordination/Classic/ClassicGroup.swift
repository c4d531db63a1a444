import BrookProtocol
import NIOCore

/// A classic consumer group (JoinGroup/SyncGroup protocol) as a value-type state machine.
///
/// Every event is a `mutating` method that takes the current time and appends the effects the shell
/// must perform (responses, timers, records to write). The machine never reads a clock and never
/// does I/O; it keeps its own table of armed timers so stale or duplicate firings are ignored.
public struct ClassicGroup: Sendable {
    public let groupId: String
    public internal(set) var state: ClassicGroupState = .empty
    public internal(set) var previousState: ClassicGroupState = .empty
    /// When the group entered its current state (nil for groups loaded from old records).
    public internal(set) var stateTimestamp: Int64?
    /// Nil for a "simple" group created by offset commits alone.
    public internal(set) var protocolType: String?
    public internal(set) var protocolName: String?
    public internal(set) var generationId: Int32 = 0
    public internal(set) var leaderId: String?
    /// Topics the members subscribe to (consumer protocol only); nil when unknown.
    public internal(set) var subscribedTopics: Set<String>?

    /// Members in the order they joined (the order leaders are re-elected in).
    var memberOrder: [String] = []
    var members: [String: ClassicGroupMember] = [:]
    /// group.instance.id → member id.
    var staticMembers: [String: String] = [:]
    /// Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet.
    var pendingJoinMembers: Set<String> = []
    /// Members that got the join response of this generation but have not sent SyncGroup.
    var pendingSyncMembers: Set<String> = []
    /// A member joined during the initial delay, so the delay may be extended.
    var newMemberAdded = false
    /// What the armed join timer means.
    var joinTimerKind: JoinTimerKind?
    /// The generation the armed sync timer was set for.
    var syncTimerGeneration: Int32 = -1
    /// Armed timers and their deadlines.
    var armedTimers: [GroupTimer: Int64] = [:]
    /// The time of the event being handled.
    var now: Int64 = 0
    let config: GroupCoordinatorConfig

    enum JoinTimerKind: Equatable {
        case initialDelay(delayMs: Int32, remainingMs: Int32)
        case rebalance
    }

    public init(groupId: String, config: GroupCoordinatorConfig, now: Int64) {
        self.groupId = groupId
        self.config = config
        self.now = now
        self.stateTimestamp = now
    }

    // MARK: Queries

    public var allMembers: [ClassicGroupMember] { memberOrder.compactMap { members[$0] } }
    public var memberCount: Int { members.count }
    public func member(_ id: String) -> ClassicGroupMember? { members[id] }
    public func memberId(forInstance instanceId: String) -> String? { staticMembers[instanceId] }
    public var pendingMemberIds: Set<String> { pendingJoinMembers }
    public func isLeader(_ memberId: String) -> Bool { leaderId == memberId }
    /// Armed timers and their deadlines, for tests and diagnostics.
    public var timers: [GroupTimer: Int64] { armedTimers }

    var numAwaitingJoin: Int { members.values.reduce(0) { $0 + ($1.isAwaitingJoin ? 1 : 0) } }

    var hasAllMembersJoined: Bool { members.count == numAwaitingJoin && pendingJoinMembers.isEmpty }

    /// The largest rebalance timeout among members.
    var rebalanceTimeoutMs: Int32 { members.values.map(\.rebalanceTimeoutMs).max() ?? 0 }

    /// Stable, CompletingRebalance and Empty groups may start a rebalance.
    var canRebalance: Bool { ClassicGroupState.preparingRebalance.validPreviousStates.contains(state) }

    public var usesConsumerProtocol: Bool { protocolType == "consumer" }

    /// Protocols every member supports.
    var candidateProtocols: Set<String> {
        guard let first = allMembers.first else { return [] }
        var names = Set(first.protocols.map(\.name))
        for member in members.values { names.formIntersection(member.protocols.map(\.name)) }
        return names
    }

    /// Whether a member with these protocols could join: any type and protocol for an Empty group,
    /// otherwise the same type and at least one protocol every current member supports.
    func supportsProtocols(type: String, names: [String]) -> Bool {
        if state == .empty { return !type.isEmpty && !names.isEmpty }
        guard protocolType == type else { return false }
        return names.contains { name in members.values.allSatisfy { $0.supports(name) } }
    }

    /// The protocol with the most votes among those every member supports; each member votes for its
    /// most preferred candidate. Ties go to the protocol preferred by the earliest-joined voter.
    func selectProtocol() -> String? {
        let candidates = candidateProtocols
        var votes: [String: Int] = [:]
        var firstVoted: [String] = []
        for member in allMembers {
            guard let choice = member.vote(among: candidates) else { continue }
            if votes[choice] == nil { firstVoted.append(choice) }
            votes[choice, default: 0] += 1
        }
        var best: String?
        for name in firstVoted where best == nil || votes[name]! > votes[best!]! { best = name }
        return best
    }

    /// Member list for the leader's JoinGroup response (metadata of the chosen protocol).
    var currentMemberList: [JoinGroupResult.Member] {
        allMembers.map { .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: protocolName)) }
    }

    /// Member id → assignment, for the group metadata record.
    var groupAssignment: [String: ByteBuffer] {
        var result: [String: ByteBuffer] = [:]
        for member in members.values { result[member.memberId] = member.assignment }
        return result
    }

    // MARK: Membership changes

    mutating func transition(to next: ClassicGroupState) {
        precondition(next.validPreviousStates.contains(state), "invalid group transition \(state) → \(next)")
        previousState = state
        state = next
        stateTimestamp = now
    }

    mutating func add(_ member: ClassicGroupMember) {
        if let instanceId = member.groupInstanceId { staticMembers[instanceId] = member.memberId }
        if members.isEmpty { protocolType = member.protocolType }
        if leaderId == nil { leaderId = member.memberId }
        members[member.memberId] = member
        memberOrder.append(member.memberId)
        pendingJoinMembers.remove(member.memberId)
    }

    /// Removes a member (or pending member). Its parked requests are answered with `error` so no
    /// request is left hanging, and its heartbeat timer is cancelled.
    mutating func remove(_ memberId: String, answering error: ErrorCode, _ effects: inout [GroupEffect]) {
        if let removed = members.removeValue(forKey: memberId) {
            memberOrder.removeAll { $0 == memberId }
            if let instanceId = removed.groupInstanceId, staticMembers[instanceId] == memberId {
                staticMembers.removeValue(forKey: instanceId)
            }
            if let token = removed.awaitingJoin {
                effects.append(.respondJoin(token, .failure(error, memberId: "")))
            }
            if let token = removed.awaitingSync {
                effects.append(.respondSync(token, .failure(error)))
            }
        }
        if leaderId == memberId { leaderId = memberOrder.first }
        pendingJoinMembers.remove(memberId)
        pendingSyncMembers.remove(memberId)
        cancel(.heartbeat(group: groupId, member: memberId), &effects)
    }

    /// Answers the member's parked JoinGroup, if any.
    mutating func completeJoin(of memberId: String, with result: JoinGroupResult, _ effects: inout [GroupEffect]) {
        guard let token = members[memberId]?.awaitingJoin else { return }
        members[memberId]?.awaitingJoin = nil
        effects.append(.respondJoin(token, result))
    }

    /// Answers the member's parked SyncGroup, if any; returns whether there was one.
    @discardableResult
    mutating func completeSync(of memberId: String, with result: SyncGroupResult, _ effects: inout [GroupEffect]) -> Bool {
        guard let token = members[memberId]?.awaitingSync else { return false }
        members[memberId]?.awaitingSync = nil
        effects.append(.respondSync(token, result))
        return true
    }

    /// Validates a request's member id and instance id: FENCED_INSTANCE_ID when the instance id now
    /// belongs to another member id, UNKNOWN_MEMBER_ID when either is unknown.
    func validateMember(_ memberId: String, instanceId: String?) -> ErrorCode? {
        if let instanceId {
            guard let existing = staticMembers[instanceId] else { return .unknownMemberId }
            if existing != memberId { return .fencedInstanceId }
        }
        return members[memberId] == nil ? .unknownMemberId : nil
    }

    // MARK: Timers

    mutating func schedule(_ timer: GroupTimer, afterMs delay: Int64, _ effects: inout [GroupEffect]) {
        let deadline = now + max(0, delay)
        armedTimers[timer] = deadline
        effects.append(.schedule(timer, deadline: deadline))
    }

    mutating func cancel(_ timer: GroupTimer, _ effects: inout [GroupEffect]) {
        if armedTimers.removeValue(forKey: timer) != nil { effects.append(.cancel(timer)) }
    }

    /// Restarts a member's session timer (default: its session timeout).
    mutating func rescheduleHeartbeat(_ memberId: String, timeoutMs: Int32? = nil, _ effects: inout [GroupEffect]) {
        guard let member = members[memberId] else { return }
        schedule(.heartbeat(group: groupId, member: memberId), afterMs: Int64(timeoutMs ?? member.sessionTimeoutMs), &effects)
    }

    /// Cancels every timer of the group (deletion, unload).
    mutating func cancelAllTimers(_ effects: inout [GroupEffect]) {
        for timer in armedTimers.keys.sorted(by: { "\($0)" < "\($1)" }) { cancel(timer, &effects) }
    }
}
