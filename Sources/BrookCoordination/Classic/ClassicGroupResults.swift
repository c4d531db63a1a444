import BrookProtocol
import NIOCore

/// The answer to one JoinGroup, before wire encoding.
public struct JoinGroupResult: Sendable, Equatable {
    /// A member listed in the leader's JoinGroup response.
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var groupInstanceId: String?
        public var metadata: ByteBuffer
    }

    public var error: ErrorCode
    public var generationId: Int32
    public var protocolType: String?
    public var protocolName: String?
    public var leader: String
    public var skipAssignment: Bool
    public var memberId: String
    /// Every member with its metadata for the chosen protocol; only the leader gets them.
    public var members: [Member]

    public init(error: ErrorCode, memberId: String, generationId: Int32 = -1, protocolType: String? = nil,
                protocolName: String? = nil, leader: String = "", skipAssignment: Bool = false, members: [Member] = []) {
        self.error = error
        self.generationId = generationId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.leader = leader
        self.skipAssignment = skipAssignment
        self.memberId = memberId
        self.members = members
    }

    /// An error answer; the member id echoes the request's unless told otherwise.
    public static func failure(_ error: ErrorCode, memberId: String = "") -> JoinGroupResult {
        JoinGroupResult(error: error, memberId: memberId)
    }
}

/// The answer to one SyncGroup. The assignment is always present (empty on errors).
public struct SyncGroupResult: Sendable, Equatable {
    public var error: ErrorCode
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: ByteBuffer

    public init(error: ErrorCode, protocolType: String? = nil, protocolName: String? = nil, assignment: ByteBuffer = ByteBuffer()) {
        self.error = error
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignment = assignment
    }

    public static func failure(_ error: ErrorCode) -> SyncGroupResult { SyncGroupResult(error: error) }
}

/// One member's outcome in a LeaveGroup.
public struct LeaveGroupMemberResult: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var error: ErrorCode

    public init(memberId: String, groupInstanceId: String?, error: ErrorCode) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.error = error
    }
}

/// The answer to a LeaveGroup: a top-level error (the group is unusable) or one result per member.
public struct LeaveGroupResult: Sendable, Equatable {
    public var error: ErrorCode
    public var members: [LeaveGroupMemberResult]

    public init(error: ErrorCode, members: [LeaveGroupMemberResult]) {
        self.error = error
        self.members = members
    }
}
