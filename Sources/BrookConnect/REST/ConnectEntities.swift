import BrookSchemas

/// Whether a connector produces into Kafka or consumes from it.
public enum ConnectorType: String, Sendable, Hashable {
    case source, sink
}

extension ConnectTargetState {
    /// From `initial_state` of a create request (`RUNNING` means started).
    init?(initialState: String) {
        switch initialState {
        case "RUNNING": self = .started
        case "PAUSED": self = .paused
        case "STOPPED": self = .stopped
        default: return nil
        }
    }
}

/// `GET /connectors/{c}` (ConnectorInfo): name, config, task ids, type.
public struct ConnectorInfo: Sendable, Hashable {
    public var name: String
    public var config: [String: String]
    public var taskCount: Int
    public var type: ConnectorType

    var json: JSONValue {
        .object([("name", .string(name)), ("config", Self.configJSON(config)),
                 ("tasks", .array((0..<taskCount).map { .object([("connector", .string(name)), ("task", RESTJSON.int($0))]) })),
                 ("type", .string(type.rawValue))])
    }

    static func configJSON(_ config: [String: String]) -> JSONValue {
        .object(config.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }
}

extension ConnectStatus {
    /// The members of a status in the REST body: state, worker_id, and trace when there is one.
    var restMembers: [(String, JSONValue)] {
        [("state", .string(state.rawValue)), ("worker_id", .string(workerId ?? ""))] + (trace.map { [("trace", .string($0))] } ?? [])
    }
}

/// `GET /connectors/{c}/status` (ConnectorStateInfo).
public struct ConnectorStatusInfo: Sendable, Hashable {
    public var name: String
    public var connector: ConnectStatus
    public var tasks: [ConnectStatus]
    public var type: ConnectorType

    var json: JSONValue {
        .object([("name", .string(name)), ("connector", .object(connector.restMembers)),
                 ("tasks", .array(tasks.enumerated().map { .object([("id", RESTJSON.int($0.offset))] + $0.element.restMembers) })),
                 ("type", .string(type.rawValue))])
    }
}

/// `GET /connector-plugins` (PluginInfo).
public struct ConnectorPluginInfo: Sendable, Hashable {
    public var className: String
    public var type: ConnectorType
    public var version: String

    var json: JSONValue {
        .object([("class", .string(className)), ("type", .string(type.rawValue)), ("version", .string(version))])
    }
}

/// Small JSON builders for the REST answers.
enum RESTJSON {
    static func int(_ value: Int) -> JSONValue { JSONValue(integer: Int64(value)) }
}
