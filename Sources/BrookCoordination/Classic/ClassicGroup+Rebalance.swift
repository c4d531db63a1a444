import BrookProtocol
import NIOCore

/// The rebalance cycle: preparing (waiting for joins), completing the join phase, the next generation.
extension ClassicGroup {
    mutating func maybePrepareRebalanceOrCompleteJoin(_ effects: inout [GroupEffect]) {
        if canRebalance {
            prepareRebalance(&effects)
        } else {
            maybeCompleteJoinPhase(&effects)
        }
    }

    /// Enters PreparingRebalance: parked syncs are told to rejoin; a new group waits the initial
    /// delay, an existing one its members' rebalance timeout (or completes at once if all have joined).
    mutating func prepareRebalance(_ effects: inout [GroupEffect]) {
        if state == .completingRebalance {
            resetAndPropagateAssignment(error: .rebalanceInProgress, &effects)
        }
        removeSyncExpiration(&effects)
        let isInitial = state == .empty
        if isInitial {
            let delay = config.initialRebalanceDelayMs
            let remaining = max(rebalanceTimeoutMs - delay, 0)
            joinTimerKind = .initialDelay(delayMs: delay, remainingMs: remaining)
            schedule(.join(group: groupId), afterMs: Int64(delay), &effects)
        }
        transition(to: .preparingRebalance)
        if !isInitial { maybeCompleteJoinElseSchedule(&effects) }
    }

    mutating func maybeCompleteJoinElseSchedule(_ effects: inout [GroupEffect]) {
        if hasAllMembersJoined {
            completeJoinPhase(&effects)
        } else {
            joinTimerKind = .rebalance
            schedule(.join(group: groupId), afterMs: Int64(rebalanceTimeoutMs), &effects)
        }
    }

    /// Completes the join phase early when everyone is in — never during the initial delay.
    mutating func maybeCompleteJoinPhase(_ effects: inout [GroupEffect]) {
        guard state == .preparingRebalance, previousState != .empty, hasAllMembersJoined else { return }
        completeJoinPhase(&effects)
    }

    /// The join timer fired.
    mutating func joinTimerFired(_ effects: inout [GroupEffect]) {
        guard let kind = joinTimerKind else { return }
        joinTimerKind = nil
        switch kind {
        case .rebalance:
            completeJoinPhase(&effects)
        case .initialDelay(let delay, let remaining):
            if newMemberAdded && remaining != 0 {
                // Someone joined during the delay: wait a little longer, within the rebalance timeout.
                newMemberAdded = false
                let newDelay = min(config.initialRebalanceDelayMs, remaining)
                let newRemaining = max(remaining - delay, 0)
                joinTimerKind = .initialDelay(delayMs: newDelay, remainingMs: newRemaining)
                schedule(.join(group: groupId), afterMs: Int64(newDelay), &effects)
            } else {
                completeJoinPhase(&effects)
            }
        }
    }

    /// Ends the join phase: drops dynamic members that did not rejoin, elects a joined leader,
    /// starts the next generation and answers every parked JoinGroup.
    mutating func completeJoinPhase(_ effects: inout [GroupEffect]) {
        cancel(.join(group: groupId), &effects)
        joinTimerKind = nil
        for member in allMembers where !member.isAwaitingJoin && !member.isStatic {
            remove(member.memberId, answering: .unknownMemberId, &effects)
        }
        guard state != .dead else { return }
        if !electJoinedLeader() && !members.isEmpty {
            // Nobody rejoined: wait another rebalance timeout for session expiry to clear them out.
            joinTimerKind = .rebalance
            schedule(.join(group: groupId), afterMs: Int64(rebalanceTimeoutMs), &effects)
            return
        }
        initNextGeneration()
        if state == .empty {
            effects.append(.append([metadataRecord()]))
            return
        }
        let leader = leaderId ?? ""
        for memberId in memberOrder {
            let result = JoinGroupResult(
                error: .none, memberId: memberId, generationId: generationId, protocolType: protocolType,
                protocolName: protocolName, leader: leader, skipAssignment: false,
                members: memberId == leader ? currentMemberList : [])
            completeJoin(of: memberId, with: result, &effects)
            rescheduleHeartbeat(memberId, &effects)
            members[memberId]?.isNew = false
            pendingSyncMembers.insert(memberId)
        }
        syncTimerGeneration = generationId
        schedule(.sync(group: groupId), afterMs: Int64(rebalanceTimeoutMs), &effects)
    }

    /// Keeps the leader if it rejoined, otherwise picks the first member that did. False if none did.
    mutating func electJoinedLeader() -> Bool {
        guard let leader = leaderId, let current = members[leader] else { return false }
        if current.isAwaitingJoin { return true }
        if let next = allMembers.first(where: \.isAwaitingJoin) {
            leaderId = next.memberId
            return true
        }
        return false
    }

    mutating func initNextGeneration() {
        generationId += 1
        if !members.isEmpty {
            protocolName = selectProtocol()
            subscribedTopics = computeSubscribedTopics()
            transition(to: .completingRebalance)
        } else {
            protocolName = nil
            subscribedTopics = computeSubscribedTopics()
            transition(to: .empty)
        }
        pendingSyncMembers.removeAll()
    }

    /// Topics named in the members' consumer-protocol subscriptions (nil when not a consumer group
    /// or a subscription cannot be parsed).
    func computeSubscribedTopics() -> Set<String>? {
        guard usesConsumerProtocol else { return nil }
        if members.isEmpty { return [] }
        guard let protocolName else { return nil }
        var topics = Set<String>()
        for member in members.values {
            guard let subscribed = ConsumerProtocolSubscription.topics(in: member.metadata(for: protocolName)) else { return nil }
            topics.formUnion(subscribed)
        }
        return topics
    }

    /// Clears every assignment and answers parked syncs with `error` (a rebalance started).
    mutating func resetAndPropagateAssignment(error: ErrorCode, _ effects: inout [GroupEffect]) {
        for id in memberOrder { members[id]?.assignment = ByteBuffer() }
        propagateAssignment(error: error, &effects)
    }

    /// Answers every parked SyncGroup with the member's assignment (or `error`) and restarts its session.
    mutating func propagateAssignment(error: ErrorCode, _ effects: inout [GroupEffect]) {
        for id in memberOrder {
            guard let member = members[id] else { continue }
            let result = error == .none
                ? SyncGroupResult(error: .none, protocolType: protocolType, protocolName: protocolName, assignment: member.assignment)
                : SyncGroupResult(error: error)
            if completeSync(of: id, with: result, &effects) {
                rescheduleHeartbeat(id, &effects)
            }
        }
    }

    mutating func removeSyncExpiration(_ effects: inout [GroupEffect]) {
        pendingSyncMembers.removeAll()
        cancel(.sync(group: groupId), &effects)
    }

    /// Members that did not send SyncGroup in time are removed and the group rebalances.
    mutating func syncTimerFired(_ effects: inout [GroupEffect]) {
        guard state == .completingRebalance || state == .stable, generationId == syncTimerGeneration else { return }
        guard !pendingSyncMembers.isEmpty else { return }
        for memberId in pendingSyncMembers.sorted() {
            remove(memberId, answering: .unknownMemberId, &effects)
        }
        prepareRebalance(&effects)
    }

    mutating func removePendingSyncMember(_ memberId: String, _ effects: inout [GroupEffect]) {
        pendingSyncMembers.remove(memberId)
        switch state {
        case .dead, .empty, .preparingRebalance:
            cancel(.sync(group: groupId), &effects)
        case .completingRebalance, .stable:
            if pendingSyncMembers.isEmpty { cancel(.sync(group: groupId), &effects) }
        }
    }
}
