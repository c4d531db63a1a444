import BrookProtocol

/// A KIP-848 group as ConsumerGroupDescribe reports it.
public struct DescribedConsumerGroup: Sendable, Equatable {
    /// One member with its current and target assignments.
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var instanceId: String?
        public var rackId: String?
        public var memberEpoch: Int32
        public var clientId: String
        public var clientHost: String
        public var subscribedTopicNames: [String]
        public var assignment: TopicAssignment
        public var targetAssignment: TopicAssignment
    }

    public var groupId: String
    public var state: String
    public var groupEpoch: Int32
    public var assignmentEpoch: Int32
    public var assignorName: String
    public var members: [Member]
}

extension ConsumerGroup {
    public func describe() -> DescribedConsumerGroup {
        DescribedConsumerGroup(
            groupId: groupId, state: state.rawValue, groupEpoch: groupEpoch, assignmentEpoch: assignmentEpoch,
            assignorName: preferredAssignor.rawValue,
            members: members.values.sorted { $0.memberId < $1.memberId }.map { m in
                .init(memberId: m.memberId, instanceId: m.instanceId, rackId: m.rackId, memberEpoch: m.memberEpoch,
                      clientId: m.clientId, clientHost: m.clientHost, subscribedTopicNames: m.subscribedTopicNames,
                      assignment: m.assignedPartitions.normalized, targetAssignment: (targetAssignment[m.memberId] ?? [:]).normalized)
            })
    }

    /// Offsets of topics a member still consumes may not be deleted or expired.
    public func isSubscribed(to topic: String) -> Bool { members.values.contains { $0.subscribes(to: topic) } }

    /// Offset commits from members must carry their current epoch (admin commits need an empty group).
    public func validateOffsetCommit(memberId: String, memberEpoch: Int32, apiVersion: Int16) -> ErrorCode? {
        if memberEpoch < 0 && members.isEmpty { return nil }
        guard let member = members[memberId] else { return .unknownMemberId }
        if apiVersion < 9 { return .unsupportedVersion }
        return memberEpoch == member.memberEpoch ? nil : .staleMemberEpoch
    }

    /// OffsetFetch from a member must carry its current epoch; admin fetches (no member id) always pass.
    public func validateOffsetFetch(memberId: String?, memberEpoch: Int32) -> ErrorCode? {
        if memberId == nil && memberEpoch < 0 { return nil }
        guard let memberId, let member = members[memberId] else { return .unknownMemberId }
        return memberEpoch == member.memberEpoch ? nil : .staleMemberEpoch
    }
}
