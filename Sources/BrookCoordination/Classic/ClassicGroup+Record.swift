import NIOCore

/// Converting a classic group to and from its `GroupMetadataValue` record.
extension ClassicGroup {
    /// The group as a record: members with their metadata for the chosen protocol and assignments.
    func metadataRecord() -> OffsetsTopicRecord {
        let value = GroupMetadataValue(
            protocolType: protocolType ?? "", generation: generationId, protocolName: protocolName, leader: leaderId,
            currentStateTimestamp: stateTimestamp ?? -1,
            members: allMembers.map { member in
                .init(memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                      clientHost: member.clientHost, rebalanceTimeout: member.rebalanceTimeoutMs,
                      sessionTimeout: member.sessionTimeoutMs, subscription: member.metadata(for: protocolName),
                      assignment: member.assignment)
            })
        return .groupMetadata(group: groupId, value)
    }

    /// Rebuilds a group from its latest record: Stable with its members, or Empty.
    public init(groupId: String, record: GroupMetadataValue, config: GroupCoordinatorConfig, now: Int64) {
        self.init(groupId: groupId, config: config, now: now)
        generationId = record.generation
        protocolType = record.protocolType.isEmpty ? nil : record.protocolType
        protocolName = record.protocolName
        stateTimestamp = record.currentStateTimestamp == -1 ? nil : record.currentStateTimestamp
        for stored in record.members {
            let protocols = [GroupProtocol(name: record.protocolName ?? "", metadata: stored.subscription)]
            add(ClassicGroupMember(
                memberId: stored.memberId, groupInstanceId: stored.groupInstanceId, clientId: stored.clientId,
                clientHost: stored.clientHost,
                rebalanceTimeoutMs: stored.rebalanceTimeout == -1 ? stored.sessionTimeout : stored.rebalanceTimeout,
                sessionTimeoutMs: stored.sessionTimeout, protocolType: record.protocolType, protocols: protocols,
                assignment: stored.assignment))
        }
        // `add` picks the first member as leader; the record knows better.
        leaderId = record.members.isEmpty ? nil : (record.leader ?? leaderId)
        state = record.members.isEmpty ? .empty : .stable
        previousState = state
        subscribedTopics = computeSubscribedTopics()
    }

    /// After loading: every member must heartbeat within its session timeout.
    mutating func scheduleLoadedSessions(now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        for id in memberOrder { rescheduleHeartbeat(id, &effects) }
        return effects
    }
}
