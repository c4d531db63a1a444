import BrookClient
import BrookRegistryClient
import BrookSchemas
import Foundation
import Logging

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
                    writeStatus(.connector(name: connector, nil))
                }
                continue
            }
            let (state, trace) = connectorState(Self.dictionary(properties), target: configs.targetStates[connector] ?? .started)
            if reportedConnectors[connector] != state {
                reportedConnectors[connector] = state
                writeStatus(.connector(name: connector, ConnectStatus(state: state, trace: trace, workerId: config.workerID,
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
                    writeStatus(.task(connector: id.connector, task: id.task,
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
        var environment = WorkerTaskEnvironment(
            workerID: config.workerID, client: client, cluster: cluster, workerConfig: config.properties, offsets: offsetStore,
            registry: { url in try SchemaRegistryClient(url: url) }, logger: logger)
        environment.topicUsed = { [weak self] id, topic in await self?.topicUsed(id, topic) }
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
        await Self.awaitStop(id, task.handle, within: Self.gracefulStop, logger: logger)
        recordStopped(id, reason: reason)
    }

    /// Kafka's `task.shutdown.graceful.timeout.ms`: how long a stopping task may take to flush and
    /// commit before the worker moves on without it (it finishes in the background).
    static let gracefulStop: Duration = .seconds(5)

    /// Waits for a stopping task's runner, at most `within`, even when the caller is cancelled
    /// (at shutdown): the runner flushes and commits in that time.
    static func awaitStop(_ id: ConnectTaskID, _ handle: Task<Void, Never>, within: Duration, logger: Logger) async {
        do {
            try await withDeadline(within, "stopping task \(id)", evenWhenCancelled: true) { await handle.value }
        } catch {
            logger.warning("Graceful stop of task \(id) failed: it did not stop within \(within); moving on")
        }
    }

    private func recordStopped(_ id: ConnectTaskID, reason: StopReason) {
        logger.info("stopped task \(id) (\(reason))")
        switch reason {
        case .deleted:
            writeStatus(.task(connector: id.connector, task: id.task, nil))
        case .paused:
            writeStatus(.task(connector: id.connector, task: id.task,
                              ConnectStatus(state: (configs.targetStates[id.connector] ?? .started) == .stopped ? .stopped : .paused,
                                            workerId: config.workerID, generation: generation)))
        case .shutdown, .rebalance:
            writeStatus(.task(connector: id.connector, task: id.task,
                              ConnectStatus(state: .unassigned, workerId: config.workerID, generation: generation)))
        case .reconfigured, .restart:
            break
        }
    }

    /// Stops every task at once (each gets the same graceful window, not one after another).
    func stopAllWork(reason: StopReason) async {
        let stopping = running
        running = [:]
        for task in stopping.values { task.handle.cancel() }
        let logger = self.logger
        // At shutdown the broker's own stop budget is short (the whole process has ~10 s).
        let window: Duration = reason == .shutdown ? .seconds(2) : Self.gracefulStop
        await withTaskGroup(of: Void.self) { group in
            for (id, task) in stopping {
                group.addTask { await Self.awaitStop(id, task.handle, within: window, logger: logger) }
            }
        }
        for id in stopping.keys.sorted() { recordStopped(id, reason: reason) }
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
        writeStatus(.task(connector: id.connector, task: id.task,
                                ConnectStatus(state: .restarting, workerId: config.workerID, generation: generation)))
        await stop(id, reason: .restart)
        ended.remove(id)
    }

    /// Connect's active topics: the first use of a topic by any task of a connector is recorded in
    /// `connect-status` (`status-topic-<topic>:connector-<name>`).
    func topicUsed(_ id: ConnectTaskID, _ topic: String) {
        guard configs.connectorConfigs[id.connector] != nil, statuses.topics[id.connector]?[topic] == nil else { return }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        writeStatus(.topic(topic: topic, connector: id.connector,
                           ConnectTopicStatus(topic: topic, connector: id.connector, task: id.task, discoverTimestamp: now)))
    }

    /// Applies a status record here at once (this worker's id filled in) and queues it for
    /// `connect-status`: written in order in the background, so a status partition whose leader is
    /// moving never holds up the membership loop (Kafka's status store writes asynchronously too).
    func writeStatus(_ record: ConnectStatusRecord) {
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
        statusWrites.yield(record)
    }

    /// Sends queued status records one at a time until the queue ends (at shutdown).
    func writeQueuedStatuses(_ records: AsyncStream<ConnectStatusRecord>) async {
        for await record in records {
            do {
                try await statusTopic.send(key: Array(record.key.utf8), value: record.value)
            } catch {
                logger.warning("writing status \(record.key) failed: \(error)")
            }
        }
    }
}
