import BrookSchemas

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
    /// Connect's active topics of a connector (`GET /connectors/{c}/topics`), sorted.
    func connectorTopics(_ name: String) async throws -> [String]
    /// `PUT /connectors/{c}/topics/reset`: forgets them.
    func resetConnectorTopics(_ name: String) async throws
    /// The Kafka cluster id `GET /` reports.
    var kafkaClusterID: String { get }
}

/// One entry of `GET|PATCH /connectors/{c}/offsets` (KIP-875): a source partition and offset as the
/// connector defines them, or for a sink `{"kafka_topic","kafka_partition"}` → `{"kafka_offset"}`.
/// A nil offset (PATCH) resets that partition.
public struct ConnectorOffset: Sendable, Hashable {
    public var partition: JSONValue
    public var offset: JSONValue?

    public init(partition: JSONValue, offset: JSONValue?) {
        self.partition = partition
        self.offset = offset
    }
}

/// The offsets calls, for herders that keep offsets (KIP-875). A herder without them lists none
/// and refuses changes instead of answering as if it made them.
public protocol ConnectOffsetsHerder: ConnectHerder {
    func connectorOffsets(_ name: String) async throws -> [ConnectorOffset]
    /// Only while the connector is STOPPED (Kafka's rule).
    func alterConnectorOffsets(_ name: String, _ offsets: [ConnectorOffset]) async throws
    func resetConnectorOffsets(_ name: String) async throws
}
