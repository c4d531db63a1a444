import BrookProtocol
import NIOCore

/// SyncGroup: the leader hands in the assignment, followers wait for it.
extension ClassicGroup {
    /// Handles a SyncGroup; the answer comes back as a `respondSync` effect for `token`, now or later.
    public mutating func sync(_ request: SyncGroupInput, token: RequestToken, now: Int64) -> [GroupEffect] {
        self.now = now
        var effects: [GroupEffect] = []
        if state == .empty {
            effects.append(.respondSync(token, .failure(.unknownMemberId)))
            return effects
        }
        if let error = validateSync(request) {
            effects.append(.respondSync(token, .failure(error)))
            return effects
        }
        let memberId = request.memberId
        switch state {
        case .preparingRebalance:
            effects.append(.respondSync(token, .failure(.rebalanceInProgress)))
        case .completingRebalance:
            if let previous = members[memberId]?.awaitingSync {
                effects.append(.respondSync(previous, .failure(.rebalanceInProgress)))
            }
            members[memberId]?.awaitingSync = token
            removePendingSyncMember(memberId, &effects)
            if isLeader(memberId) { acceptAssignment(request.assignments, &effects) }
        case .stable:
            removePendingSyncMember(memberId, &effects)
            let assignment = members[memberId]?.assignment ?? ByteBuffer()
            effects.append(.respondSync(token, SyncGroupResult(error: .none, protocolType: protocolType,
                                                               protocolName: protocolName, assignment: assignment)))
        case .empty, .dead:
            effects.append(.respondSync(token, .failure(.unknownMemberId)))
        }
        return effects
    }

    func validateSync(_ request: SyncGroupInput) -> ErrorCode? {
        if state == .dead { return .coordinatorNotAvailable }
        if let error = validateMember(request.memberId, instanceId: request.groupInstanceId) { return error }
        if request.generationId != generationId { return .illegalGeneration }
        if let type = request.protocolType, let mine = protocolType, type != mine { return .inconsistentGroupProtocol }
        if let name = request.protocolName, let mine = protocolName, name != mine { return .inconsistentGroupProtocol }
        return nil
    }

    /// The leader's assignment: members it left out get an empty one. The group is Stable once the
    /// group metadata record is written; parked syncs are answered after that write.
    private mutating func acceptAssignment(_ assignments: [(memberId: String, assignment: ByteBuffer)],
                                           _ effects: inout [GroupEffect]) {
        var byMember: [String: ByteBuffer] = [:]
        for entry in assignments { byMember[entry.memberId] = entry.assignment }
        for id in memberOrder { members[id]?.assignment = byMember[id] ?? ByteBuffer() }
        transition(to: .stable)
        effects.append(.append([metadataRecord()]))
        propagateAssignment(error: .none, &effects)
    }
}
