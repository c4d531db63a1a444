import BrookSchemas

/// The REST API's requests (`ConnectHerder`), answered from the replayed topics; changes are
/// written to `connect-configs` and answered once read back.
extension DistributedHerder {
    public func connectorNames() -> [String] { configs.connectorConfigs.keys.sorted() }

    public func connectorInfo(_ name: String) throws -> ConnectorInfo {
        let config = try existingConfig(name)
        return ConnectorInfo(name: name, config: config, taskCount: configs.tasks(of: name).count, type: Self.type(of: config))
    }

    public func putConnectorConfig(_ name: String, config: [String: String], allowReplace: Bool,
                                   initialState: ConnectTargetState) async throws -> (created: Bool, info: ConnectorInfo) {
        let validation = try validate(config, plugin: nil)
        if validation.errorCount > 0 { throw ConnectRESTError.badRequest(validation.failureMessage) }
        try await activate()
        let exists = configs.connectorConfigs[name] != nil
        if exists, !allowReplace { throw ConnectRESTError(status: 409, message: "Connector \(name) already exists") }
        var records: [ConnectConfigRecord] = []
        // Kafka writes a new connector's initial target state before its config.
        if !exists, initialState != .started { records.append(.targetState(connector: name, initialState)) }
        records.append(.connectorConfig(connector: name, properties: Self.properties(config)))
        try await writeConfigs(records)
        return (!exists, try connectorInfo(name))
    }

    public func deleteConnector(_ name: String) async throws {
        _ = try existingConfig(name)
        let tasks = configs.tasks(of: name)
        try await writeConfigs([.connectorConfig(connector: name, properties: nil), .targetState(connector: name, nil)])
        // Its statuses go too, so a connector created later under the name starts clean (the
        // owners' own tombstones may never come when the deletion rebalances them away first).
        writeStatus(.connector(name: name, nil))
        for task in tasks { writeStatus(.task(connector: name, task: task.task, nil)) }
    }

    public func setTargetState(_ name: String, _ state: ConnectTargetState) async throws {
        _ = try existingConfig(name)
        try await writeConfigs([.targetState(connector: name, state)])
    }

    public func status(_ name: String) throws -> ConnectorStatusInfo {
        let config = try existingConfig(name)
        let unassigned = ConnectStatus(state: .unassigned, workerId: "", generation: -1)
        let tasks = configs.tasks(of: name).map { statuses.tasks[$0] ?? unassigned }
        return ConnectorStatusInfo(name: name, connector: statuses.connectors[name] ?? unassigned, tasks: tasks,
                                   type: Self.type(of: config))
    }

    public func taskConfigs(_ name: String) throws -> [[String: String]] {
        _ = try existingConfig(name)
        return configs.tasks(of: name).map { Self.dictionary(configs.taskConfigs[$0]) }
    }

    /// `POST /connectors/{c}/restart?includeTasks&onlyFailed`: a restart request in `connect-configs`
    /// that every worker owning part of the connector acts on.
    public func restartConnector(_ name: String, includeTasks: Bool, onlyFailed: Bool) async throws {
        _ = try existingConfig(name)
        try await writeConfigs([.restartRequest(connector: name, includeTasks: includeTasks, onlyFailed: onlyFailed)])
    }

    /// A task this worker runs restarts at once; another worker's is restarted through a restart
    /// request for the connector's failed tasks (a running task elsewhere is left alone: Connect
    /// forwards to its worker, which Brook does not do yet).
    public func restartTask(_ name: String, task: Int) async throws {
        _ = try existingConfig(name)
        let id = ConnectTaskID(connector: name, task: Int32(task))
        guard configs.tasks(of: name).contains(id) else { throw ConnectRESTError(status: 404, message: "Task \(name)-\(task) not found") }
        if assignedTasks.contains(id) {
            await restartTaskHere(id)
        } else {
            try await writeConfigs([.restartRequest(connector: name, includeTasks: true, onlyFailed: true)])
        }
    }

    public func connectorTopics(_ name: String) throws -> [String] {
        _ = try existingConfig(name)
        return (statuses.topics[name] ?? [:]).keys.sorted()
    }

    public func resetConnectorTopics(_ name: String) throws {
        _ = try existingConfig(name)
        for topic in (statuses.topics[name] ?? [:]).keys.sorted() {
            writeStatus(.topic(topic: topic, connector: name, nil))
        }
    }

    public nonisolated func plugins() -> [ConnectorPluginInfo] { ConnectorPlugins.all.map(\.info) }

    public nonisolated func validate(_ config: [String: String], plugin: String?) throws -> ConfigValidation {
        try ConnectorPlugins.validate(config, plugin: plugin)
    }

    private func existingConfig(_ name: String) throws -> [String: String] {
        guard let properties = configs.connectorConfigs[name] else { throw ConnectRESTError.connectorNotFound(name) }
        return Self.dictionary(properties)
    }

    private static func type(of config: [String: String]) -> ConnectorType {
        ConnectorPlugins.plugin(named: config["connector.class"] ?? "")?.type ?? .source
    }
}
