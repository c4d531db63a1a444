import BrookProtocol

/// Kafka's `ConsumerGroupMemberMetadataValue`: who a KIP-848 member is and what it subscribes to.
public struct ConsumerMemberMetadataValue: Sendable, Equatable {
    public var instanceId: String?
    public var rackId: String?
    public var clientId: String
    public var clientHost: String
    public var subscribedTopicNames: [String]
    public var subscribedTopicRegex: String?
    public var rebalanceTimeoutMs: Int32
    public var serverAssignor: String?

    public init(instanceId: String?, rackId: String?, clientId: String, clientHost: String,
                subscribedTopicNames: [String], subscribedTopicRegex: String?, rebalanceTimeoutMs: Int32,
                serverAssignor: String?) {
        self.instanceId = instanceId
        self.rackId = rackId
        self.clientId = clientId
        self.clientHost = clientHost
        self.subscribedTopicNames = subscribedTopicNames
        self.subscribedTopicRegex = subscribedTopicRegex
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.serverAssignor = serverAssignor
    }
}

/// Kafka's `ConsumerGroupCurrentMemberAssignmentValue`: where a KIP-848 member stands in reaching
/// its target (epochs, reconciliation state, owned and to-be-revoked partitions).
public struct ConsumerMemberAssignmentValue: Sendable, Equatable {
    public var memberEpoch: Int32
    public var previousMemberEpoch: Int32
    public var state: ConsumerMemberState
    public var assignedPartitions: TopicAssignment
    public var pendingRevocation: TopicAssignment

    public init(memberEpoch: Int32, previousMemberEpoch: Int32, state: ConsumerMemberState,
                assignedPartitions: TopicAssignment, pendingRevocation: TopicAssignment) {
        self.memberEpoch = memberEpoch
        self.previousMemberEpoch = previousMemberEpoch
        self.state = state
        self.assignedPartitions = assignedPartitions
        self.pendingRevocation = pendingRevocation
    }
}

extension ConsumerMemberState {
    /// The byte Kafka stores for the state (`MemberState`); unknown bytes read as stable, which the
    /// next heartbeat corrects by reconciling against the target.
    var kafkaValue: Int8 {
        switch self {
        case .stable: return 0
        case .unrevokedPartitions: return 1
        case .unreleasedPartitions: return 2
        }
    }

    init(kafkaValue: Int8) {
        switch kafkaValue {
        case 1: self = .unrevokedPartitions
        case 2: self = .unreleasedPartitions
        default: self = .stable
        }
    }
}

extension ConsumerGroupMember {
    /// The member's persisted identity and subscription.
    var metadataValue: ConsumerMemberMetadataValue {
        ConsumerMemberMetadataValue(instanceId: instanceId, rackId: rackId, clientId: clientId, clientHost: clientHost,
                                    subscribedTopicNames: subscribedTopicNames, subscribedTopicRegex: subscribedTopicRegex,
                                    rebalanceTimeoutMs: rebalanceTimeoutMs, serverAssignor: serverAssignor)
    }

    /// The member's persisted assignment state.
    var assignmentValue: ConsumerMemberAssignmentValue {
        ConsumerMemberAssignmentValue(memberEpoch: memberEpoch, previousMemberEpoch: previousMemberEpoch, state: state,
                                      assignedPartitions: assignedPartitions.normalized,
                                      pendingRevocation: pendingRevocation.normalized)
    }
}
