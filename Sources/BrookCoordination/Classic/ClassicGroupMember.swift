import NIOCore

/// One member of a classic group, with the requests it has parked on the coordinator.
public struct ClassicGroupMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var protocolType: String
    /// In the member's order of preference.
    public var protocols: [GroupProtocol]
    /// The member's part of the leader's assignment (empty until SyncGroup completes).
    public var assignment: ByteBuffer
    /// The JoinGroup parked until the join phase ends.
    public var awaitingJoin: RequestToken?
    /// The SyncGroup parked until the leader's assignment arrives.
    public var awaitingSync: RequestToken?
    /// Joined during the current join phase and never completed one; may time out while parked.
    public var isNew: Bool

    public init(memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
                rebalanceTimeoutMs: Int32, sessionTimeoutMs: Int32, protocolType: String, protocols: [GroupProtocol],
                assignment: ByteBuffer = ByteBuffer()) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
        self.assignment = assignment
        self.isNew = false
    }

    public var isStatic: Bool { groupInstanceId != nil }
    public var isAwaitingJoin: Bool { awaitingJoin != nil }
    public var isAwaitingSync: Bool { awaitingSync != nil }

    /// Members parked in a rebalance need not heartbeat — unless they are new, which may time out.
    var hasSatisfiedHeartbeat: Bool {
        isNew ? false : (isAwaitingJoin || isAwaitingSync)
    }

    /// Whether the member supports a protocol of this name.
    func supports(_ name: String) -> Bool { protocols.contains { $0.name == name } }

    /// The metadata the member sent for `name` (empty if it does not support it).
    func metadata(for name: String?) -> ByteBuffer {
        guard let name else { return ByteBuffer() }
        return protocols.first { $0.name == name }?.metadata ?? ByteBuffer()
    }

    /// The member's most preferred protocol among `candidates`.
    func vote(among candidates: Set<String>) -> String? {
        protocols.first { candidates.contains($0.name) }?.name
    }
}
