import BrookProtocol

/// A consumer's standing in its group: member id, generation, and whether it must (re)join.
/// Errors from group responses fold in here and decide what happens next.
struct GroupMembership: Equatable {
    var memberId = ""
    var generation: Int32 = -1
    var protocolName: String?
    var isLeader = false
    /// Set when the member has to run JoinGroup/SyncGroup before fetching again.
    private(set) var needsJoin = true
    /// Set while JoinGroup/SyncGroup run, so heartbeats stay quiet.
    var isJoining = false

    /// What a group error code means for the member.
    enum Reaction: Equatable {
        /// Carry on.
        case none
        /// Rejoin with the same member id (a rebalance started).
        case rejoin
        /// Forget the member id and generation, then rejoin.
        case resetAndRejoin
        /// Find the coordinator again, then retry.
        case findCoordinator
        /// Wait a little and retry.
        case retry
        /// Give up with this error.
        case fail(ErrorCode)
    }

    mutating func requestRejoin() { needsJoin = true }

    /// Applies a successful SyncGroup.
    mutating func joined(memberId: String, generation: Int32, protocolName: String?, isLeader: Bool) {
        self.memberId = memberId
        self.generation = generation
        self.protocolName = protocolName
        self.isLeader = isLeader
        needsJoin = false
    }

    /// Folds in an error code from JoinGroup, SyncGroup, Heartbeat or OffsetCommit.
    mutating func react(to code: ErrorCode) -> Reaction {
        switch code {
        case .none:
            return .none
        case .rebalanceInProgress:
            needsJoin = true
            return .rejoin
        case .unknownMemberId, .illegalGeneration, .fencedInstanceId:
            memberId = ""
            generation = -1
            needsJoin = true
            return .resetAndRejoin
        case .notCoordinator, .coordinatorNotAvailable:
            return .findCoordinator
        case .coordinatorLoadInProgress, .concurrentTransactions:
            return .retry
        default:
            return .fail(code)
        }
    }

    /// Leaving or closing: back to a blank member.
    mutating func reset() {
        self = GroupMembership()
    }
}
