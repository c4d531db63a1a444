import BrookProtocol

/// KIP-848 requests: ConsumerGroupHeartbeat and ConsumerGroupDescribe.
extension GroupCoordinatorShard {
    /// Validates and handles one ConsumerGroupHeartbeat.
    public mutating func consumerGroupHeartbeat(_ request: ConsumerGroupHeartbeatInput, topics: TopicsImage,
                                                now: Int64) -> (ConsumerGroupHeartbeatResult, [GroupEffect]) {
        if let problem = Self.invalidity(of: request) { return (.failure(.invalidRequest, problem), []) }
        if let pattern = request.subscribedTopicRegex, !pattern.isEmpty, (try? Regex(pattern)) == nil {
            return (.failure(.invalidRegularExpression, "SubscribedTopicRegex \(pattern) is not a valid regular expression."), [])
        }
        if let name = request.serverAssignor, ServerAssignor(rawValue: name) == nil {
            let supported = ServerAssignor.allCases.map(\.rawValue).joined(separator: ", ")
            return (.failure(.unsupportedAssignor, "ServerAssignor \(name) is not supported. Supported assignors: \(supported)."), [])
        }
        let groupId = request.groupId
        let before = consumerGroups[groupId]
        let (result, effects) = heartbeatValidated(request, topics: topics, now: now)
        return (result, Self.persisting(effects, groupId: groupId, from: before, to: consumerGroups[groupId]))
    }

    private mutating func heartbeatValidated(_ request: ConsumerGroupHeartbeatInput, topics: TopicsImage,
                                             now: Int64) -> (ConsumerGroupHeartbeatResult, [GroupEffect]) {
        let groupId = request.groupId
        if request.memberEpoch < 0 {
            guard var group = consumerGroups[groupId] else { return (.failure(.groupIdNotFound), []) }
            let outcome = group.leave(request, now: now)
            consumerGroups[groupId] = group
            return outcome
        }
        var effects: [GroupEffect] = []
        if consumerGroups[groupId] == nil {
            guard request.memberEpoch == 0 else { return (.failure(.unknownMemberId), []) }
            if let classic = groups[groupId] {
                guard classic.state == .empty, classic.pendingMemberIds.isEmpty else {
                    return (.failure(.groupIdNotFound, "Group \(groupId) is not a consumer group."), [])
                }
                // An empty classic group (or one made by commits alone) becomes a consumer group; offsets stay.
                var old = classic
                old.cancelAllTimers(&effects)
                groups.removeValue(forKey: groupId)
                effects.append(.append([.groupMetadata(group: groupId, nil)]))
            }
            consumerGroups[groupId] = ConsumerGroup(groupId: groupId, config: config)
        }
        var group = consumerGroups[groupId]!
        let (result, more) = group.heartbeat(request, topics: topics, now: now)
        consumerGroups[groupId] = group
        return (result, effects + more)
    }

    /// Kafka's request checks, in its order; nil when the request is well formed.
    static func invalidity(of r: ConsumerGroupHeartbeatInput) -> String? {
        if r.groupId.isEmpty { return "GroupId can't be empty." }
        if r.instanceId == "" { return "InstanceId can't be empty." }
        if r.rackId == "" { return "RackId can't be empty." }
        switch r.memberEpoch {
        case 1..., -1:
            if r.memberId.isEmpty { return "MemberId can't be empty." }
        case 0:
            if r.rebalanceTimeoutMs == -1 { return "RebalanceTimeoutMs must be provided in first request." }
            if r.ownedTopicPartitions == nil || r.ownedTopicPartitions?.partitionCount != 0 {
                return "TopicPartitions must be empty when (re-)joining."
            }
            if (r.subscribedTopicNames ?? []).isEmpty && (r.subscribedTopicRegex ?? "").isEmpty {
                return "SubscribedTopicNames or SubscribedTopicRegex must be set in first request."
            }
        case -2:
            if r.memberId.isEmpty { return "MemberId can't be empty." }
            if r.instanceId == nil { return "InstanceId can't be null." }
        default:
            return "MemberEpoch is invalid."
        }
        return nil
    }

    /// ConsumerGroupDescribe: GROUP_ID_NOT_FOUND for unknown and classic groups.
    public func describeConsumerGroup(_ groupId: String) -> Result<DescribedConsumerGroup, ErrorCode> {
        guard let group = consumerGroups[groupId] else { return .failure(.groupIdNotFound) }
        return .success(group.describe())
    }
}
