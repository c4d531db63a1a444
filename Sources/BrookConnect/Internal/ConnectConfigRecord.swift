import BrookSchemas

/// A record of Connect's config topic (`connect-configs`), with the keys and JSON values Kafka 3.9's
/// `KafkaConfigBackingStore` writes (JsonConverter, `schemas.enable=false`):
/// - `connector-<n>` → `{"properties":{…}}`, null when the connector is deleted;
/// - `task-<n>-<i>` → `{"properties":{…}}`; `commit-<n>` → `{"tasks":N}` (applies the task configs);
/// - `target-state-<n>` → `{"state":…,"state.v2":…}` (`state` says PAUSED for STOPPED, for workers
///   older than 3.5 that only know `state`), null when the connector is deleted;
/// - `restart-connector-<n>` → `{"include-tasks":b,"only-failed":b}`;
/// - `tasks-fencing-<n>` → `{"task-count":N}`; `session-key` → `{"key","algorithm","creation-timestamp"}`;
/// - `logger-cluster-<namespace>` → `{"level":…}`.
public enum ConnectConfigRecord: Sendable, Hashable {
    /// nil properties: the tombstone that deletes the connector.
    case connectorConfig(connector: String, properties: [ConnectProperty]?)
    case taskConfig(connector: String, task: Int32, properties: [ConnectProperty])
    case tasksCommit(connector: String, tasks: Int32)
    /// nil state: the tombstone written with a connector's deletion.
    case targetState(connector: String, ConnectTargetState?)
    case restartRequest(connector: String, includeTasks: Bool, onlyFailed: Bool)
    case taskCount(connector: String, taskCount: Int32)
    /// `key` is the Base64 text of the key bytes, as stored.
    case sessionKey(key: String, algorithm: String, creationTimestamp: Int64)
    case loggerLevel(namespace: String, level: String)

    static let targetStatePrefix = "target-state-"
    static let connectorPrefix = "connector-"
    static let taskPrefix = "task-"
    static let commitPrefix = "commit-"
    static let restartPrefix = "restart-connector-"
    static let taskCountPrefix = "tasks-fencing-"
    static let sessionKeyKey = "session-key"
    static let loggerPrefix = "logger-cluster-"

    /// The record's key.
    public var key: String {
        switch self {
        case let .connectorConfig(connector, _): Self.connectorPrefix + connector
        case let .taskConfig(connector, task, _): Self.taskPrefix + connector + "-" + String(task)
        case let .tasksCommit(connector, _): Self.commitPrefix + connector
        case let .targetState(connector, _): Self.targetStatePrefix + connector
        case let .restartRequest(connector, _, _): Self.restartPrefix + connector
        case let .taskCount(connector, _): Self.taskCountPrefix + connector
        case .sessionKey: Self.sessionKeyKey
        case let .loggerLevel(namespace, _): Self.loggerPrefix + namespace
        }
    }

    /// The record's value; nil is a tombstone.
    public var value: [UInt8]? {
        func properties(_ list: [ConnectProperty]) -> JSONValue {
            .object([("properties", .object(list.map { ($0.name, $0.value.map(JSONValue.string) ?? .null) }))])
        }
        let json: JSONValue
        switch self {
        case let .connectorConfig(_, list):
            guard let list else { return nil }
            json = properties(list)
        case let .taskConfig(_, _, list):
            json = properties(list)
        case let .tasksCommit(_, tasks):
            json = .object([("tasks", JSONValue(integer: Int64(tasks)))])
        case let .targetState(_, state):
            guard let state else { return nil }
            json = .object([("state", .string(state == .stopped ? ConnectTargetState.paused.rawValue : state.rawValue)),
                            ("state.v2", .string(state.rawValue))])
        case let .restartRequest(_, includeTasks, onlyFailed):
            json = .object([("include-tasks", .bool(includeTasks)), ("only-failed", .bool(onlyFailed))])
        case let .taskCount(_, count):
            json = .object([("task-count", JSONValue(integer: Int64(count)))])
        case let .sessionKey(key, algorithm, created):
            json = .object([("key", .string(key)), ("algorithm", .string(algorithm)), ("creation-timestamp", JSONValue(integer: created))])
        case let .loggerLevel(_, level):
            json = .object([("level", .string(level))])
        }
        return ConnectInternalJSON.bytes(json)
    }

    /// Reads a record as `KafkaConfigBackingStore` does: prefixes tried in its order; unknown keys,
    /// unparsable or ill-typed values are ignored, never fatal.
    public static func decode(key: String, value: [UInt8]?) -> ConnectRecordDecoding<ConnectConfigRecord> {
        var json: JSONValue?
        if let value {
            guard let parsed = ConnectInternalJSON.parse(value) else { return .ignored(reason: "the value of \(key) is not JSON") }
            json = parsed
        }
        if key.hasPrefix(targetStatePrefix) {
            let connector = String(key.dropFirst(targetStatePrefix.count))
            guard let json, json != .null else { return .record(.targetState(connector: connector, nil)) }
            // state.v2 wins when it is a string; otherwise the older field.
            let text = json["state.v2"]?.stringValue ?? json["state"]?.stringValue
            guard let text, let state = ConnectTargetState(rawValue: text) else {
                return .ignored(reason: "invalid target state for connector '\(connector)'")
            }
            return .record(.targetState(connector: connector, state))
        }
        if key.hasPrefix(connectorPrefix) {
            let connector = String(key.dropFirst(connectorPrefix.count))
            guard let json, json != .null else { return .record(.connectorConfig(connector: connector, properties: nil)) }
            guard let list = properties(json) else { return .ignored(reason: "invalid config for connector '\(connector)'") }
            return .record(.connectorConfig(connector: connector, properties: list))
        }
        if key.hasPrefix(taskPrefix) {
            // ConnectorTaskId from "task-<connector>-<n>": the connector may contain dashes.
            let parts = ConnectInternalJSON.javaSplit(key, on: "-")
            guard parts.count >= 3, let task = ConnectInternalJSON.javaInt(parts[parts.count - 1]) else {
                return .ignored(reason: "\(key) is not a task config key")
            }
            let connector = parts[1..<(parts.count - 1)].joined(separator: "-")
            guard let json, let list = properties(json) else { return .ignored(reason: "invalid config for task \(connector)-\(task)") }
            return .record(.taskConfig(connector: connector, task: task, properties: list))
        }
        if key.hasPrefix(commitPrefix) {
            let connector = String(key.dropFirst(commitPrefix.count))
            guard let tasks = int32(json?["tasks"]) else { return .ignored(reason: "invalid task commit for connector '\(connector)'") }
            return .record(.tasksCommit(connector: connector, tasks: tasks))
        }
        if key.hasPrefix(restartPrefix) {
            let connector = String(key.dropFirst(restartPrefix.count))
            guard let json, json.objectMembers != nil else { return .ignored(reason: "invalid restart request for connector '\(connector)'") }
            // Non-boolean flags fall back to false, as Kafka does.
            return .record(.restartRequest(connector: connector, includeTasks: json["include-tasks"]?.boolValue ?? false,
                                           onlyFailed: json["only-failed"]?.boolValue ?? false))
        }
        if key.hasPrefix(taskCountPrefix) {
            let connector = String(key.dropFirst(taskCountPrefix.count))
            guard let count = int32(json?["task-count"]) else { return .ignored(reason: "invalid task count for connector '\(connector)'") }
            return .record(.taskCount(connector: connector, taskCount: count))
        }
        if key == sessionKeyKey {
            guard let json, let keyText = json["key"]?.stringValue, let algorithm = json["algorithm"]?.stringValue,
                  let created = ConnectInternalJSON.integer(json["creation-timestamp"]) else {
                return .ignored(reason: "invalid session key")
            }
            return .record(.sessionKey(key: keyText, algorithm: algorithm, creationTimestamp: created))
        }
        if key.hasPrefix(loggerPrefix) {
            let namespace = String(key.dropFirst(loggerPrefix.count))
            guard let level = json?["level"]?.stringValue else { return .ignored(reason: "invalid logger level for \(namespace)") }
            return .record(.loggerLevel(namespace: namespace, level: level))
        }
        return .ignored(reason: "config record with invalid key \(key)")
    }

    private static func properties(_ json: JSONValue) -> [ConnectProperty]? {
        guard let members = json["properties"]?.objectMembers else { return nil }
        var list: [ConnectProperty] = []
        for (name, value) in members {
            switch value {
            case let .string(text): list.append(ConnectProperty(name, text))
            case .null: list.append(ConnectProperty(name, nil))
            default: return nil
            }
        }
        return list
    }

    /// Kafka reads these as Integer or Long and narrows a long with `(int)`.
    private static func int32(_ value: JSONValue?) -> Int32? {
        ConnectInternalJSON.integer(value).map { Int32(truncatingIfNeeded: $0) }
    }
}
