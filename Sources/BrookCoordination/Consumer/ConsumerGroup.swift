import BrookProtocol

/// A KIP-848 consumer group: members heartbeat, the coordinator computes a target assignment with a
/// server-side assignor and moves each member to it (revoke first, then assign freed partitions).
///
/// A value-type state machine like `ClassicGroup`; its effects are timers. The shard persists the
/// group by diffing it before and after each change (`records(groupId:from:to:)`, Kafka's KIP-848
/// records), so members keep their epochs and assignments across a coordinator restart.
public struct ConsumerGroup: Sendable {
    /// The states ConsumerGroupDescribe and ListGroups report.
    public enum State: String, Sendable {
        case empty = "Empty"
        case assigning = "Assigning"
        case reconciling = "Reconciling"
        case stable = "Stable"
    }

    public let groupId: String
    public internal(set) var groupEpoch: Int32 = 0
    public internal(set) var assignmentEpoch: Int32 = 0
    public internal(set) var members: [String: ConsumerGroupMember] = [:]
    var staticMembers: [String: String] = [:]
    public internal(set) var targetAssignment: [String: TopicAssignment] = [:]
    /// Who owns each partition now (assigned or still pending revocation).
    var partitionOwners: [KafkaUUID: [Int32: String]] = [:]
    /// The subscribed topics' ids and partition counts when the target was last computed.
    var subscriptionMetadata: [String: TopicImage] = [:]
    var armedTimers: [GroupTimer: Int64] = [:]
    var now: Int64 = 0
    let config: GroupCoordinatorConfig

    public init(groupId: String, config: GroupCoordinatorConfig) {
        self.groupId = groupId
        self.config = config
    }

    public var state: State {
        if members.isEmpty { return .empty }
        if groupEpoch > assignmentEpoch { return .assigning }
        let reconciling = members.values.contains { $0.memberEpoch != assignmentEpoch || $0.state != .stable }
        return reconciling ? .reconciling : .stable
    }

    /// Topics some member subscribes to by name.
    public var subscribedTopics: Set<String> { Set(members.values.flatMap(\.subscribedTopicNames)) }

    /// The assignor most members asked for, else the default (uniform).
    public var preferredAssignor: ServerAssignor {
        var votes: [String: Int] = [:]
        for member in members.values { if let name = member.serverAssignor { votes[name, default: 0] += 1 } }
        let best = votes.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return best.flatMap(ServerAssignor.init(rawValue:)) ?? .uniform
    }

    // MARK: Ownership

    mutating func replaceMember(_ updated: ConsumerGroupMember, previous: ConsumerGroupMember?) {
        if let previous { release(previous) }
        members[updated.memberId] = updated
        if let instanceId = updated.instanceId { staticMembers[instanceId] = updated.memberId }
        for (topic, partitions) in updated.assignedPartitions.merging(updated.pendingRevocation, uniquingKeysWith: { $0.union($1) }) {
            for p in partitions { partitionOwners[topic, default: [:]][p] = updated.memberId }
        }
    }

    private mutating func release(_ member: ConsumerGroupMember) {
        for (topic, partitions) in member.assignedPartitions.merging(member.pendingRevocation, uniquingKeysWith: { $0.union($1) }) {
            for p in partitions where partitionOwners[topic]?[p] == member.memberId {
                partitionOwners[topic]?.removeValue(forKey: p)
            }
        }
    }

    /// Removes a member, frees its partitions and bumps the group epoch so others get them.
    mutating func fence(_ memberId: String, _ effects: inout [GroupEffect]) {
        if remove(memberId, &effects) { groupEpoch += 1 }
    }

    /// Removes a member and its timers without starting a new assignment; false if it was not there.
    @discardableResult
    mutating func remove(_ memberId: String, _ effects: inout [GroupEffect]) -> Bool {
        guard let member = members.removeValue(forKey: memberId) else { return false }
        release(member)
        if let instanceId = member.instanceId, staticMembers[instanceId] == memberId { staticMembers.removeValue(forKey: instanceId) }
        targetAssignment.removeValue(forKey: memberId)
        cancel(.consumerSession(group: groupId, member: memberId), &effects)
        cancel(.consumerRebalance(group: groupId, member: memberId), &effects)
        return true
    }

    func owner(of topic: KafkaUUID, _ partition: Int32) -> String? { partitionOwners[topic]?[partition] }

    // MARK: Timers

    mutating func schedule(_ timer: GroupTimer, afterMs delay: Int64, _ effects: inout [GroupEffect]) {
        let deadline = now + max(0, delay)
        armedTimers[timer] = deadline
        effects.append(.schedule(timer, deadline: deadline))
    }

    mutating func cancel(_ timer: GroupTimer, _ effects: inout [GroupEffect]) {
        if armedTimers.removeValue(forKey: timer) != nil { effects.append(.cancel(timer)) }
    }

    /// Cancels every timer (deletion, unload).
    mutating func cancelAllTimers(_ effects: inout [GroupEffect]) {
        for timer in armedTimers.keys.sorted(by: { "\($0)" < "\($1)" }) { cancel(timer, &effects) }
    }

    /// A session or revocation deadline passed: the member is fenced.
    public mutating func timerFired(_ timer: GroupTimer, now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        guard armedTimers.removeValue(forKey: timer) != nil else { return effects }
        switch timer {
        case .consumerSession(_, let member):
            fence(member, &effects)
        case .consumerRebalance(_, let member):
            if members[member]?.state == .unrevokedPartitions { fence(member, &effects) }
        case .heartbeat, .join, .sync, .offsetExpiration:
            break
        }
        return effects
    }
}
