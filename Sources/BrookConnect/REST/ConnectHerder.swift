/// What the Connect REST API asks of the cluster of workers (Kafka Connect's `Herder`): the seam
/// between `ConnectAPI` and whatever keeps connectors' configs and runs them. Errors are
/// `ConnectRESTError`s carrying Connect's status and message.
public protocol ConnectHerder: Sendable {
    func connectorNames() async -> [String]
    func connectorInfo(_ name: String) async throws -> ConnectorInfo
    /// Creates or (when `allowReplace`) replaces a connector's config; `created` says which.
    func putConnectorConfig(_ name: String, config: [String: String], allowReplace: Bool,
                            initialState: ConnectTargetState) async throws -> (created: Bool, info: ConnectorInfo)
    func deleteConnector(_ name: String) async throws
    func setTargetState(_ name: String, _ state: ConnectTargetState) async throws
    func status(_ name: String) async throws -> ConnectorStatusInfo
    func taskConfigs(_ name: String) async throws -> [[String: String]]
    /// `POST …/restart`: the connector, and with `includeTasks` its tasks (only failed ones with `onlyFailed`).
    func restartConnector(_ name: String, includeTasks: Bool, onlyFailed: Bool) async throws
    func restartTask(_ name: String, task: Int) async throws
    func plugins() -> [ConnectorPluginInfo]
    /// `PUT /connector-plugins/{p}/config/validate`, and the check before create and update.
    func validate(_ config: [String: String], plugin: String?) throws -> ConfigValidation
    /// The Kafka cluster id `GET /` reports.
    var kafkaClusterID: String { get }
}
