import BrookProtocol
import NIOCore

/// Control flow inside a join: start over at once, or after a pause.
enum GroupStep: Error {
    case rejoin
    case retryLater(ErrorCode)
}

extension KafkaConsumer {
    /// The rebalance protocol in use: cooperative only when every configured assignor is.
    var rebalanceProtocol: RebalanceProtocol {
        config.assignors.allSatisfy { $0.rebalanceProtocol == .cooperative } ? .cooperative : .eager
    }

    /// Runs JoinGroup/SyncGroup until the member is in a stable generation (or `deadline` passes
    /// while the group keeps rebalancing), and keeps a heartbeat going.
    func ensureActiveGroup(deadline: ContinuousClock.Instant) async throws {
        guard case .subscribed(let topics) = subscription.mode, let group = config.groupId else { return }
        if leftForPollTimeout {
            leftForPollTimeout = false
            logger.warning("rejoining the group, which this consumer left because poll() was not called within max.poll.interval.ms; its partitions were lost and their uncommitted progress will be read again")
        }
        var attempt = 0
        while membership.needsJoin {
            try checkOpen()
            try Task.checkCancellation()
            if rebalanceProtocol == .eager, !subscription.assignment.isEmpty {
                await revoke(subscription.assignment)
            }
            membership.isJoining = true
            defer { membership.isJoining = false }
            do {
                try await joinAndSync(group: group, topics: topics)
                attempt = 0
            } catch GroupStep.rejoin {
                continue
            } catch GroupStep.retryLater(let code) {
                attempt += 1
                let delay = cluster.backoff.delay(attempt: attempt)
                guard ContinuousClock.now + delay < deadline + config.rebalanceTimeout else {
                    throw KafkaClientError.server(code, message: nil, context: "join group \(group)")
                }
                try await Task.sleep(for: delay)
            } catch let error as KafkaClientError where error.isRetriable {
                attempt += 1
                logger.debug("group join failed, retrying", metadata: ["error": "\(error)"])
                let delay = cluster.backoff.delay(attempt: attempt)
                guard ContinuousClock.now + delay < deadline + config.rebalanceTimeout else { throw error }
                try await Task.sleep(for: delay)
            }
        }
        startHeartbeat()
    }

    /// Gives up `partitions`: commits their positions first when auto-commit is on.
    func revoke(_ partitions: [TopicPartition]) async {
        guard !partitions.isEmpty else { return }
        if let listener = config.onPartitionsRevoked { await listener(partitions) }
        if config.enableAutoCommit {
            let offsets = subscription.positions.filter { partitions.contains($0.key) }
            do {
                try await commit(offsets)
            } catch {
                logger.warning("commit before revoking partitions failed", metadata: ["error": "\(error)"])
            }
        }
        let keep = Set(subscription.assignment).subtracting(partitions)
        subscription.assign(Array(keep))
        logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted().map(\.description))"])
    }

    private func joinAndSync(group: String, topics: [String]) async throws {
        let connection = try await cluster.groupCoordinator(for: group)
        let owned = subscription.assignment
        let metadata = ConsumerSubscription(topics: topics, ownedPartitions: owned, generationId: membership.generation)
        let protocols = config.assignors.map { (name: $0.name, metadata: metadata.encode(version: 1)) }

        // JoinGroup; a first join of v4+ is answered MEMBER_ID_REQUIRED with the id to use.
        var join: JoinGroupResponse
        while true {
            let request = GroupRequests.joinGroup(
                group: group, memberId: membership.memberId, groupInstanceId: config.groupInstanceId,
                sessionTimeout: config.sessionTimeout, rebalanceTimeout: config.rebalanceTimeout, protocols: protocols)
            join = try await connection.send(request, extraTimeout: config.rebalanceTimeout)
            let code = ErrorCode(rawValue: join.errorCode) ?? .unknownServerError
            if code == .memberIdRequired {
                membership.memberId = join.memberId
                continue
            }
            try await handle(code, group: group, context: "join group \(group)")
            break
        }
        let isLeader = join.leader == join.memberId
        var assignments: [String: ConsumerAssignment] = [:]
        if isLeader {
            assignments = try await computeAssignment(join)
        }
        let sync = GroupRequests.syncGroup(
            group: group, generation: join.generationId, memberId: join.memberId, groupInstanceId: config.groupInstanceId,
            protocolName: join.protocolName, assignments: assignments)
        let response = try await connection.send(sync, extraTimeout: config.rebalanceTimeout)
        membership.memberId = join.memberId
        try await handle(ErrorCode(rawValue: response.errorCode) ?? .unknownServerError, group: group, context: "sync group \(group)")
        let assignment = try ConsumerAssignment(decoding: response.assignment)
        membership.joined(memberId: join.memberId, generation: join.generationId, protocolName: join.protocolName, isLeader: isLeader)
        await apply(assignment.partitions, previous: owned)
    }

    /// Installs a new assignment. Cooperative: partitions taken away are committed and revoked,
    /// and the member rejoins once more so they can go to their new owner.
    private func apply(_ assigned: [TopicPartition], previous: [TopicPartition]) async {
        let revoked = Set(previous).subtracting(assigned)
        if rebalanceProtocol == .cooperative, !revoked.isEmpty {
            await revoke(revoked.sorted())
            membership.requestRejoin()
        }
        subscription.assign(assigned)
        logger.info("partitions assigned", metadata: [
            "generation": "\(membership.generation)", "partitions": "\(assigned.sorted().map(\.description))",
        ])
    }

    /// The leader's job: run the group's chosen assignor over every member's subscription.
    private func computeAssignment(_ join: JoinGroupResponse) async throws -> [String: ConsumerAssignment] {
        guard let name = join.protocolName, let assignor = config.assignors.first(where: { $0.name == name }) else {
            throw KafkaClientError.protocolViolation("group chose assignor \(join.protocolName ?? "none"), which this client does not offer")
        }
        let members = try join.members.map {
            GroupMemberSubscription(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId,
                                    subscription: try ConsumerSubscription(decoding: $0.metadata))
        }
        let topics = Array(Set(members.flatMap(\.subscription.topics))).sorted()
        let metadata = try await cluster.refreshMetadata(topics: topics)
        var counts: [String: Int] = [:]
        for topic in topics {
            if let count = metadata.partitionCount(of: topic) { counts[topic] = count }
        }
        let plan = assignor.assign(members: members, partitionsPerTopic: counts)
        var result: [String: ConsumerAssignment] = [:]
        for member in members { result[member.memberId] = ConsumerAssignment(partitions: plan[member.memberId] ?? []) }
        logger.debug("computed assignment", metadata: ["assignor": "\(name)", "members": "\(members.count)"])
        return result
    }

    /// Turns a group error into the next step, throwing when the current exchange must stop.
    private func handle(_ code: ErrorCode, group: String, context: String) async throws {
        switch membership.react(to: code) {
        case .none:
            return
        case .rejoin, .resetAndRejoin:
            logger.debug("\(context): \(code.kafkaName), rejoining")
            throw GroupStep.rejoin
        case .retry:
            throw GroupStep.retryLater(code)
        case .findCoordinator:
            await cluster.invalidateCoordinator(for: group)
            throw KafkaClientError.server(code, message: nil, context: context)
        case .fail(let failure):
            throw KafkaClientError.server(failure, message: nil, context: context)
        }
    }

    /// Records a group error seen outside join/sync (heartbeat, commit).
    func noteGroupError(_ code: ErrorCode) async {
        if case .findCoordinator = membership.react(to: code), let group = config.groupId {
            await cluster.invalidateCoordinator(for: group)
        }
    }

    private func startHeartbeat() {
        guard heartbeatTask == nil else { return }
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                guard let pause = await self?.heartbeatPause(now: .now) else { return }
                try? await Task.sleep(for: pause)
                guard let self, !Task.isCancelled else { return }
                await self.heartbeat()
            }
        }
    }

    /// How long the heartbeat task sleeps: until the next heartbeat, or just past the moment
    /// `max.poll.interval.ms` runs out when that comes first.
    func heartbeatPause(now: ContinuousClock.Instant) -> Duration {
        guard let deadline = pollTimer.deadline else { return config.heartbeatInterval }
        return max(.milliseconds(1), min(config.heartbeatInterval, deadline - now + .milliseconds(1)))
    }

    /// One heartbeat; a rebalance or fencing it reports makes the next poll rejoin. When the
    /// application has not polled within `max.poll.interval.ms`, the member leaves the group instead.
    func heartbeat() async {
        if pollTimer.hasExpired(at: .now), membership.generation >= 0, !membership.isJoining {
            await leaveForPollTimeout()
            return
        }
        guard let group = config.groupId, membership.generation >= 0, !membership.needsJoin, !membership.isJoining else { return }
        do {
            let connection = try await cluster.groupCoordinator(for: group)
            let response = try await connection.send(HeartbeatRequest(
                groupId: group, generationId: membership.generation, memberId: membership.memberId,
                groupInstanceId: config.groupInstanceId))
            let code = ErrorCode(rawValue: response.errorCode) ?? .unknownServerError
            if code != .none {
                logger.debug("heartbeat answered \(code.kafkaName)")
                await noteGroupError(code)
            }
        } catch {
            logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    /// Leaves the group as Kafka's consumer does when `poll` was not called in time: no commit (the
    /// partitions are lost, not handed over), LeaveGroup so they are reassigned at once. Runs on the
    /// heartbeat task, which stops once the LeaveGroup is out.
    private func leaveForPollTimeout() async {
        logger.warning("""
            consumer poll timeout has expired: poll() was not called within max.poll.interval.ms \
            (\(config.maxPollInterval)), so the consumer leaves the group and its partitions go to other members. \
            Spend less time on the records of one poll or raise max.poll.interval.ms.
            """, metadata: ["partitions": "\(subscription.assignment.map(\.description))"])
        let heartbeats = heartbeatTask
        heartbeatTask = nil
        leftForPollTimeout = true
        await leaveGroup(commitFirst: false, reason: "consumer poll timeout has expired")
        pollTimer.reset()
        heartbeats?.cancel()
    }

    /// Commits (auto-commit, unless `commitFirst` is false), then sends LeaveGroup unless the member is static.
    func leaveGroup(commitFirst: Bool = true, reason: String = "consumer closed") async {
        heartbeatTask?.cancel()
        heartbeatTask = nil
        guard let group = config.groupId, membership.generation >= 0 || !membership.memberId.isEmpty else {
            membership.reset()
            return
        }
        if commitFirst, config.enableAutoCommit, !subscription.positions.isEmpty {
            do { try await commit() } catch { logger.warning("final commit failed", metadata: ["error": "\(error)"]) }
        }
        if config.groupInstanceId == nil, !membership.memberId.isEmpty {
            do {
                let connection = try await cluster.groupCoordinator(for: group)
                let version = try connection.version(for: .leaveGroup)
                _ = try await connection.send(
                    GroupRequests.leaveGroup(group: group, memberId: membership.memberId, groupInstanceId: nil, reason: reason, version: version),
                    version: version)
            } catch {
                logger.debug("leave group failed", metadata: ["error": "\(error)"])
            }
        }
        membership.reset()
        subscription.assign([])
    }
}
