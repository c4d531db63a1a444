import NIOCore

/// Kafka's `GroupMetadataValue` record: a classic group's generation, protocol and members.
public struct GroupMetadataValue: Sendable, Equatable {
    /// One member as persisted.
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        /// -1 in records older than version 1.
        public var rebalanceTimeout: Int32
        public var sessionTimeout: Int32
        /// The member's metadata for the group's protocol.
        public var subscription: ByteBuffer
        public var assignment: ByteBuffer

        public init(memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
                    rebalanceTimeout: Int32, sessionTimeout: Int32, subscription: ByteBuffer, assignment: ByteBuffer) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.rebalanceTimeout = rebalanceTimeout
            self.sessionTimeout = sessionTimeout
            self.subscription = subscription
            self.assignment = assignment
        }
    }

    public var protocolType: String
    public var generation: Int32
    /// The chosen protocol (Kafka's `protocol` field).
    public var protocolName: String?
    public var leader: String?
    /// -1 in records older than version 2.
    public var currentStateTimestamp: Int64
    public var members: [Member]

    public init(protocolType: String, generation: Int32, protocolName: String?, leader: String?,
                currentStateTimestamp: Int64, members: [Member]) {
        self.protocolType = protocolType
        self.generation = generation
        self.protocolName = protocolName
        self.leader = leader
        self.currentStateTimestamp = currentStateTimestamp
        self.members = members
    }
}
