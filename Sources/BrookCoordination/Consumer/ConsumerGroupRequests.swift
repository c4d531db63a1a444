import BrookProtocol

/// A ConsumerGroupHeartbeat as the state machine sees it. Nil fields did not change since the last heartbeat.
public struct ConsumerGroupHeartbeatInput: Sendable {
    public var groupId: String
    public var memberId: String
    /// 0 to join, -1 to leave, -2 for a static member leaving temporarily, otherwise the current epoch.
    public var memberEpoch: Int32
    public var instanceId: String?
    public var rackId: String?
    /// -1 when unchanged.
    public var rebalanceTimeoutMs: Int32
    public var subscribedTopicNames: [String]?
    public var subscribedTopicRegex: String?
    public var serverAssignor: String?
    /// The partitions the member owns, or nil when unchanged.
    public var ownedTopicPartitions: TopicAssignment?
    public var clientId: String
    public var clientHost: String
    /// Used when the member joins without an id (v0 clients); the shell supplies a random UUID string.
    public var newMemberId: String

    public init(groupId: String, memberId: String, memberEpoch: Int32, instanceId: String? = nil, rackId: String? = nil,
                rebalanceTimeoutMs: Int32 = -1, subscribedTopicNames: [String]? = nil, subscribedTopicRegex: String? = nil,
                serverAssignor: String? = nil, ownedTopicPartitions: TopicAssignment? = nil, clientId: String = "",
                clientHost: String = "", newMemberId: String) {
        self.groupId = groupId
        self.memberId = memberId
        self.memberEpoch = memberEpoch
        self.instanceId = instanceId
        self.rackId = rackId
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.subscribedTopicNames = subscribedTopicNames
        self.subscribedTopicRegex = subscribedTopicRegex
        self.serverAssignor = serverAssignor
        self.ownedTopicPartitions = ownedTopicPartitions
        self.clientId = clientId
        self.clientHost = clientHost
        self.newMemberId = newMemberId
    }
}

/// The answer to a ConsumerGroupHeartbeat.
public struct ConsumerGroupHeartbeatResult: Sendable, Equatable {
    public var error: ErrorCode
    public var errorMessage: String?
    public var memberId: String?
    public var memberEpoch: Int32
    public var heartbeatIntervalMs: Int32
    /// Sent when it changed, or on full requests; nil otherwise.
    public var assignment: TopicAssignment?

    public init(error: ErrorCode, errorMessage: String? = nil, memberId: String? = nil, memberEpoch: Int32 = -1,
                heartbeatIntervalMs: Int32 = 0, assignment: TopicAssignment? = nil) {
        self.error = error
        self.errorMessage = errorMessage
        self.memberId = memberId
        self.memberEpoch = memberEpoch
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.assignment = assignment
    }

    public static func failure(_ error: ErrorCode, _ message: String? = nil) -> Self {
        ConsumerGroupHeartbeatResult(error: error, errorMessage: message)
    }
}
