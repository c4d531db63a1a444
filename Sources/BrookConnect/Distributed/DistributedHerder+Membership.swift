import BrookClient

extension DistributedHerder {
    /// Joins the group whenever needed, heartbeats, writes task configs as the leader, and keeps the
    /// work this worker runs in line with its assignment and the configs. The only place that starts
    /// or stops tasks, so their changes never interleave.
    func membershipLoop() async {
        var lastHeartbeat = ContinuousClock.now
        var failures = 0
        while !Task.isCancelled {
            do {
                if needsJoin {
                    try await rebalance()
                    lastHeartbeat = .now
                }
                if ContinuousClock.now - lastHeartbeat >= config.heartbeatInterval {
                    lastHeartbeat = .now
                    let member = self.member
                    if try await !withDeadline(config.sessionTimeout, "heartbeat", { try await member.heartbeat() }) {
                        needsJoin = true
                        continue
                    }
                }
                if isLeader { try await writeTaskConfigsIfNeeded() }
                await reconcileWork()
                failures = 0
                try await Task.sleep(for: .milliseconds(100))
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                failures += 1
                if !(error is ConnectGroupMember.Retry) || failures > 3 {
                    logger.warning("Connect group membership: \(error)")
                } else {
                    logger.debug("Connect group membership, retrying: \(error)")
                }
                needsJoin = true
                try? await Task.sleep(for: .milliseconds(min(2000, 100 * failures)))
            }
        }
        await stopAllWork(reason: .shutdown)
        let member = self.member
        _ = try? await withDeadline(.milliseconds(500), "leave group", evenWhenCancelled: true) { await member.leave() }
    }

    /// Kafka's eager rebalance: give up all work, join, let the leader deal, take the new share.
    private func rebalance() async throws {
        await stopAllWork(reason: .rebalance)
        assignedConnectors = []
        assignedTasks = []
        logger.debug("Connect worker joining group \(config.groupID)")
        let member = self.member, state = ConnectProtocol.WorkerState(url: config.workerID, configOffset: configOffset)
        let joined = try await withDeadline(config.rebalanceTimeout + .seconds(10), "join group") { try await member.join(state) }
        logger.debug("Connect worker joined generation \(joined.generation), leader \(joined.leaderID), \(joined.members.count) member(s)")
        var plan: [String: ConnectProtocol.Assignment] = [:]
        if joined.isLeader {
            // Deal out everything written so far, not only what this worker happened to have read.
            let topic = configTopic
            let end = try await withDeadline(.seconds(30), "end of \(config.configTopic)") { try await topic.endOffsets()[0] ?? 0 }
            await waitForConfigs(through: end)
            let connectors = Array(configs.connectorConfigs.keys)
            let tasks = connectors.flatMap { configs.tasks(of: $0) }
            plan = ConnectWorkAssignor.assign(members: joined.members, leaderID: joined.memberID, configOffset: configOffset,
                                             connectors: connectors, tasks: tasks)
        }
        let assignment = try await withDeadline(config.rebalanceTimeout + .seconds(10), "sync group") { [plan] in
            try await member.sync(joined, assignments: plan)
        }
        if assignment.error != 0 {
            throw ConnectGroupMember.Retry(code: .none)
        }
        await waitForConfigs(through: assignment.configOffset)
        generation = joined.generation
        isLeader = joined.isLeader
        assignedConnectors = Set(assignment.connectors)
        assignedTasks = Set(assignment.tasks)
        assignedShape = workShape()
        needsJoin = false
        logger.info("Connect worker joined generation \(joined.generation)\(joined.isLeader ? " as leader" : ""): connectors \(assignment.connectors.sorted()), tasks \(assignment.tasks.sorted().map(\.description))")
    }

    /// The leader's duty (Kafka's `reconfigureConnector`): every connector's task configs as its
    /// plugin derives them from the connector config — none while it is stopped or when Brook cannot
    /// run the plugin — written with their `commit-<n>` record whenever they differ from the stored ones.
    func writeTaskConfigsIfNeeded() async throws {
        for (name, properties) in configs.connectorConfigs.sorted(by: { $0.key < $1.key }) {
            let connectorConfig = Self.dictionary(properties)
            let desired = Self.taskConfigs(for: connectorConfig, target: configs.targetStates[name] ?? .started)
            let current = configs.tasks(of: name).map { Self.dictionary(configs.taskConfigs[$0]) }
            if configs.taskCounts[name] != nil, !configs.inconsistent.contains(name), current == desired { continue }
            var records: [ConnectConfigRecord] = desired.enumerated().map {
                .taskConfig(connector: name, task: Int32($0.offset), properties: Self.properties($0.element))
            }
            records.append(.tasksCommit(connector: name, tasks: Int32(desired.count)))
            try await writeConfigs(records)
        }
    }

    static func taskConfigs(for connectorConfig: [String: String], target: ConnectTargetState) -> [[String: String]] {
        guard target != .stopped, let plugin = ConnectorPlugins.plugin(named: connectorConfig["connector.class"] ?? ""),
              let tasks = plugin.tasks else { return [] }
        let maxTasks = max(1, Int(connectorConfig["tasks.max"] ?? "1") ?? 1)
        return Array(tasks.taskConfigs(connectorConfig, maxTasks).prefix(maxTasks))
    }
}
