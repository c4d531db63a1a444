import BrookClient
import BrookRegistryClient
import BrookSchemas

extension DistributedHerder {
    enum StopReason {
        case rebalance, shutdown, reconfigured, paused, deleted, restart
    }

    /// Brings what runs here in line with the assignment and the configs: connector statuses,
    /// tasks to stop (unassigned, deleted, paused, reconfigured, restarted) and tasks to start.
    func reconcileWork() async {
        let restarts = pendingRestarts
        pendingRestarts = []
        for restart in restarts { await applyRestart(restart) }

        for connector in assignedConnectors.sorted() {
            guard let properties = configs.connectorConfigs[connector] else {
                if reportedConnectors.removeValue(forKey: connector) != nil {
                    await writeStatus(.connector(name: connector, nil))
                }
                continue
            }
            let (state, trace) = connectorState(Self.dictionary(properties), target: configs.targetStates[connector] ?? .started)
            if reportedConnectors[connector] != state {
                reportedConnectors[connector] = state
                await writeStatus(.connector(name: connector, ConnectStatus(state: state, trace: trace, workerId: config.workerID,
                                                                            generation: generation)))
            }
        }

        for (id, task) in running {
            let reason: StopReason?
            if !assignedTasks.contains(id) {
                reason = .rebalance
            } else if configs.connectorConfigs[id.connector] == nil {
                reason = .deleted
            } else if (configs.targetStates[id.connector] ?? .started) != .started {
                reason = .paused
            } else if Self.dictionary(configs.taskConfigs[id]) != task.taskConfig {
                reason = .reconfigured
            } else {
                reason = nil
            }
            if let reason { await stop(id, reason: reason) }
        }

        for id in assignedTasks.sorted() where running[id] == nil && !ended.contains(id) {
            guard configs.connectorConfigs[id.connector] != nil, let taskConfig = configs.taskConfigs[id] else { continue }
            let target = configs.targetStates[id.connector] ?? .started
            if target != .started {
                if statuses.tasks[id]?.state != .paused || statuses.tasks[id]?.workerId != config.workerID {
                    await writeStatus(.task(connector: id.connector, task: id.task,
                                            ConnectStatus(state: .paused, workerId: config.workerID, generation: generation)))
                }
                continue
            }
            start(id, connectorConfig: Self.dictionary(configs.connectorConfigs[id.connector]),
                  taskConfig: Self.dictionary(taskConfig))
        }
    }

    /// A connector's own state here: Brook runs no connector-level code beyond deriving task
    /// configs, so it is RUNNING unless its target says otherwise or Brook cannot run the plugin.
    private func connectorState(_ connectorConfig: [String: String], target: ConnectTargetState) -> (ConnectStatusState, String?) {
        guard let plugin = ConnectorPlugins.plugin(named: connectorConfig["connector.class"] ?? "") else {
            return (.failed, "No connector plugin named \(connectorConfig["connector.class"] ?? "") in this Brook version")
        }
        guard plugin.tasks != nil else {
            return (.failed, "Connector \(plugin.className) is known to Brook but cannot run yet")
        }
        switch target {
        case .started: return (.running, nil)
        case .paused: return (.paused, nil)
        case .stopped: return (.stopped, nil)
        }
    }

    private func start(_ id: ConnectTaskID, connectorConfig: [String: String], taskConfig: [String: String]) {
        guard let plugin = ConnectorPlugins.plugin(named: connectorConfig["connector.class"] ?? ""), let tasks = plugin.tasks else { return }
        runCounter += 1
        let serial = runCounter
        let environment = WorkerTaskEnvironment(
            workerID: config.workerID, client: client, cluster: cluster, workerConfig: config.properties, offsets: offsetStore,
            registry: { url in try SchemaRegistryClient(url: url) }, logger: logger)
        let generation = self.generation
        let worker = WorkerTask(id: id, connectorConfig: connectorConfig, taskConfig: taskConfig, maker: tasks.make,
                                environment: environment) { [weak self] id, state, trace in
            await self?.writeStatus(.task(connector: id.connector, task: id.task,
                                          ConnectStatus(state: state, trace: trace, workerId: nil, generation: generation)))
        }
        let handle = Task { [weak self] in
            await worker.run()
            await self?.taskEnded(id, serial: serial)
        }
        running[id] = RunningTask(handle: handle, taskConfig: taskConfig, serial: serial)
        logger.info("starting task \(id)")
    }

    /// A runner returned: when nobody stopped it, it failed (and said so); it stays down until a restart.
    private func taskEnded(_ id: ConnectTaskID, serial: Int) {
        guard let task = running[id], task.serial == serial else { return }
        running[id] = nil
        ended.insert(id)
    }

    func stop(_ id: ConnectTaskID, reason: StopReason) async {
        guard let task = running.removeValue(forKey: id) else { return }
        task.handle.cancel()
        await task.handle.value
        logger.info("stopped task \(id) (\(reason))")
        switch reason {
        case .deleted:
            await writeStatus(.task(connector: id.connector, task: id.task, nil))
        case .paused:
            await writeStatus(.task(connector: id.connector, task: id.task,
                                    ConnectStatus(state: (configs.targetStates[id.connector] ?? .started) == .stopped ? .stopped : .paused,
                                                  workerId: config.workerID, generation: generation)))
        case .shutdown, .rebalance:
            await writeStatus(.task(connector: id.connector, task: id.task,
                                    ConnectStatus(state: .unassigned, workerId: config.workerID, generation: generation)))
        case .reconfigured, .restart:
            break
        }
    }

    func stopAllWork(reason: StopReason) async {
        for id in running.keys.sorted() { await stop(id, reason: reason) }
        ended = []
        reportedConnectors = [:]
    }

    /// Kafka's restart request: the connector (unless only failed ones are asked for and it is not
    /// failed) and, with `includeTasks`, its tasks here (only the failed ones with `onlyFailed`).
    private func applyRestart(_ restart: (connector: String, includeTasks: Bool, onlyFailed: Bool)) async {
        if assignedConnectors.contains(restart.connector),
           !restart.onlyFailed || reportedConnectors[restart.connector] == .failed {
            reportedConnectors[restart.connector] = nil   // rewritten on this pass
        }
        guard restart.includeTasks else { return }
        for id in assignedTasks where id.connector == restart.connector {
            let failed = ended.contains(id) || statuses.tasks[id]?.state == .failed
            if restart.onlyFailed && !failed { continue }
            await restartTaskHere(id)
        }
    }

    func restartTaskHere(_ id: ConnectTaskID) async {
        await writeStatus(.task(connector: id.connector, task: id.task,
                                ConnectStatus(state: .restarting, workerId: config.workerID, generation: generation)))
        await stop(id, reason: .restart)
        ended.remove(id)
    }

    /// Writes a status record (this worker's id filled in) and applies it here at once.
    func writeStatus(_ record: ConnectStatusRecord) async {
        var record = record
        switch record {
        case let .connector(name, status?) where status.workerId == nil:
            var filled = status
            filled.workerId = config.workerID
            record = .connector(name: name, filled)
        case let .task(connector, task, status?) where status.workerId == nil:
            var filled = status
            filled.workerId = config.workerID
            record = .task(connector: connector, task: task, filled)
        default:
            break
        }
        statuses.apply(record)
        do {
            try await statusTopic.send(key: Array(record.key.utf8), value: record.value)
        } catch {
            logger.warning("writing status \(record.key) failed: \(error)")
        }
    }
}
