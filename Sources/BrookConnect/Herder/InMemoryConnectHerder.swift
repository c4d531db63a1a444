/// A `ConnectHerder` that keeps connectors' configs and target states in memory and runs nothing:
/// every connector and task stays UNASSIGNED (PAUSED / STOPPED when asked). It pins down the REST
/// contract (validation, conflicts, not-found errors, config updates) until the distributed runtime
/// on Connect's internal topics replaces it.
public actor InMemoryConnectHerder: ConnectHerder {
    private struct Connector {
        var config: [String: String]
        var target: ConnectTargetState
        var plugin: ConnectorPlugin
    }

    public nonisolated let kafkaClusterID: String
    private let workerID: String
    private var connectors: [String: Connector] = [:]

    public init(kafkaClusterID: String, workerID: String) {
        self.kafkaClusterID = kafkaClusterID
        self.workerID = workerID
    }

    public func connectorNames() -> [String] { connectors.keys.sorted() }

    public func connectorInfo(_ name: String) throws -> ConnectorInfo {
        let connector = try existing(name)
        return ConnectorInfo(name: name, config: connector.config, taskCount: taskCount(connector), type: connector.plugin.type)
    }

    public func putConnectorConfig(_ name: String, config: [String: String], allowReplace: Bool,
                                   initialState: ConnectTargetState) throws -> (created: Bool, info: ConnectorInfo) {
        let exists = connectors[name] != nil
        if exists, !allowReplace { throw ConnectRESTError(status: 409, message: "Connector \(name) already exists") }
        let validation = try validate(config, plugin: nil)
        if validation.errorCount > 0 { throw ConnectRESTError.badRequest(validation.failureMessage) }
        guard let plugin = config["connector.class"].flatMap(ConnectorPlugins.plugin(named:)) else {
            throw ConnectRESTError.badRequest("Connector config \(config) contains no connector type")
        }
        connectors[name] = Connector(config: config, target: connectors[name]?.target ?? initialState, plugin: plugin)
        return (!exists, try connectorInfo(name))
    }

    public func deleteConnector(_ name: String) throws {
        _ = try existing(name)
        connectors[name] = nil
    }

    public func setTargetState(_ name: String, _ state: ConnectTargetState) throws {
        _ = try existing(name)
        connectors[name]?.target = state
    }

    public func status(_ name: String) throws -> ConnectorStatusInfo {
        let connector = try existing(name)
        let state: ConnectStatusState = switch connector.target {
        case .started: .unassigned
        case .paused: .paused
        case .stopped: .stopped
        }
        let status = ConnectStatus(state: state, workerId: workerID, generation: 0)
        return ConnectorStatusInfo(name: name, connector: status, tasks: Array(repeating: status, count: taskCount(connector)),
                                   type: connector.plugin.type)
    }

    public func taskConfigs(_ name: String) throws -> [[String: String]] {
        let connector = try existing(name)
        return Array(repeating: connector.config, count: taskCount(connector))
    }

    public func restartConnector(_ name: String, includeTasks: Bool, onlyFailed: Bool) throws { _ = try existing(name) }

    public func restartTask(_ name: String, task: Int) throws {
        let connector = try existing(name)
        guard task < taskCount(connector) else { throw ConnectRESTError(status: 404, message: "Task \(name)-\(task) not found") }
    }

    /// Nothing runs here, so no topic is ever used.
    public func connectorTopics(_ name: String) throws -> [String] {
        _ = try existing(name)
        return []
    }

    public func resetConnectorTopics(_ name: String) throws { _ = try existing(name) }

    public nonisolated func plugins() -> [ConnectorPluginInfo] { ConnectorPlugins.all.map(\.info) }

    public nonisolated func validate(_ config: [String: String], plugin: String?) throws -> ConfigValidation {
        try ConnectorPlugins.validate(config, plugin: plugin)
    }

    /// Brook's plugins each run one task; a stopped connector has none (Kafka drops its task configs).
    private func taskCount(_ connector: Connector) -> Int { connector.target == .stopped ? 0 : 1 }

    private func existing(_ name: String) throws -> Connector {
        guard let connector = connectors[name] else { throw ConnectRESTError.connectorNotFound(name) }
        return connector
    }
}
