import NIOCore

/// A JoinGroup as the state machine sees it: wire details (versions, encodings) already resolved.
public struct JoinGroupInput: Sendable {
    public var groupId: String
    /// Empty for a member joining for the first time.
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var sessionTimeoutMs: Int32
    /// JoinGroup v0 has none; the handler passes the session timeout, as Kafka does.
    public var rebalanceTimeoutMs: Int32
    public var protocolType: String
    public var protocols: [GroupProtocol]
    /// JoinGroup v4+: a dynamic member without an id gets MEMBER_ID_REQUIRED and must rejoin.
    public var requireKnownMemberId: Bool
    /// JoinGroup v9+: a rejoining static leader may be told to skip the assignment.
    public var supportsSkippingAssignment: Bool
    /// Random part of a new member id (a UUID string), supplied by the shell so the machine stays deterministic.
    public var newMemberIdSuffix: String

    public init(groupId: String, memberId: String = "", groupInstanceId: String? = nil, clientId: String = "client",
                clientHost: String = "", sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, protocolType: String,
                protocols: [GroupProtocol], requireKnownMemberId: Bool = true, supportsSkippingAssignment: Bool = true,
                newMemberIdSuffix: String) {
        self.groupId = groupId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
        self.requireKnownMemberId = requireKnownMemberId
        self.supportsSkippingAssignment = supportsSkippingAssignment
        self.newMemberIdSuffix = newMemberIdSuffix
    }
}

/// A SyncGroup as the state machine sees it.
public struct SyncGroupInput: Sendable {
    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// v5+: checked against the group's when present.
    public var protocolType: String?
    public var protocolName: String?
    /// The leader's assignment, member id → opaque bytes (followers send none).
    public var assignments: [(memberId: String, assignment: ByteBuffer)]

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
                protocolType: String? = nil, protocolName: String? = nil,
                assignments: [(memberId: String, assignment: ByteBuffer)] = []) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}

/// A Heartbeat as the state machine sees it.
public struct HeartbeatInput: Sendable {
    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}

/// One member leaving in a LeaveGroup (v3+ batches them; v0–2 carry exactly one).
public struct LeavingMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?

    public init(memberId: String, groupInstanceId: String? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}
