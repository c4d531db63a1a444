import BrookSchemas

/// A connector's or task's status as stored in `connect-status`.
public struct ConnectStatus: Sendable, Hashable {
    public var state: ConnectStatusState
    /// The failure's stack trace (FAILED); written as `null` otherwise.
    public var trace: String?
    /// The worker's REST URL (`host:port`); nil only when a record read back lacks it.
    public var workerId: String?
    /// The group generation the status was written in; newer generations win.
    public var generation: Int32

    public init(state: ConnectStatusState, trace: String? = nil, workerId: String?, generation: Int32) {
        self.state = state
        self.trace = trace
        self.workerId = workerId
        self.generation = generation
    }
}

/// That a connector's task used a topic, and when that was first seen (`GET …/topics`).
public struct ConnectTopicStatus: Sendable, Hashable {
    public var topic: String
    public var connector: String
    public var task: Int32
    /// Milliseconds since the epoch.
    public var discoverTimestamp: Int64

    public init(topic: String, connector: String, task: Int32, discoverTimestamp: Int64) {
        self.topic = topic
        self.connector = connector
        self.task = task
        self.discoverTimestamp = discoverTimestamp
    }
}

/// A record of Connect's status topic (`connect-status`) as Kafka 3.9's `KafkaStatusBackingStore`
/// writes it: `status-connector-<n>` and `status-task-<n>-<i>` →
/// `{"state":…,"trace":…|null,"worker_id":…,"generation":N}`; `status-topic-<topic>:connector-<n>`
/// → `{"topic":{"name":…,"connector":…,"task":N,"discoverTimestamp":ms}}`. A nil status is a tombstone.
public enum ConnectStatusRecord: Sendable, Hashable {
    case connector(name: String, ConnectStatus?)
    case task(connector: String, task: Int32, ConnectStatus?)
    case topic(topic: String, connector: String, ConnectTopicStatus?)

    static let connectorPrefix = "status-connector-"
    static let taskPrefix = "status-task-"
    static let topicPrefix = "status-topic-"
    static let topicSeparator = ":connector-"

    public var key: String {
        switch self {
        case let .connector(name, _): Self.connectorPrefix + name
        case let .task(connector, task, _): Self.taskPrefix + connector + "-" + String(task)
        case let .topic(topic, connector, _): Self.topicPrefix + topic + Self.topicSeparator + connector
        }
    }

    /// The record's value; nil is a tombstone.
    public var value: [UInt8]? {
        switch self {
        case let .connector(_, status), let .task(_, _, status):
            guard let status else { return nil }
            return ConnectInternalJSON.bytes(.object([
                ("state", .string(status.state.rawValue)),
                ("trace", status.trace.map(JSONValue.string) ?? .null),
                ("worker_id", status.workerId.map(JSONValue.string) ?? .null),
                ("generation", JSONValue(integer: Int64(status.generation))),
            ]))
        case let .topic(_, _, status):
            guard let status else { return nil }
            return ConnectInternalJSON.bytes(.object([("topic", .object([
                ("name", .string(status.topic)),
                ("connector", .string(status.connector)),
                ("task", JSONValue(integer: Int64(status.task))),
                ("discoverTimestamp", JSONValue(integer: status.discoverTimestamp)),
            ]))]))
        }
    }

    /// Reads a record as `KafkaStatusBackingStore.read` does; anything it would discard is ignored.
    public static func decode(key: String, value: [UInt8]?) -> ConnectRecordDecoding<ConnectStatusRecord> {
        var json: JSONValue?
        if let value {
            guard let parsed = ConnectInternalJSON.parse(value) else { return .ignored(reason: "the value of \(key) is not JSON") }
            json = parsed
        }
        if key.hasPrefix(connectorPrefix) {
            let name = String(key.dropFirst(connectorPrefix.count))
            guard !name.isEmpty else { return .ignored(reason: "invalid connector status key \(key)") }
            guard let json else { return .record(.connector(name: name, nil)) }
            guard let status = status(json) else { return .ignored(reason: "invalid status for connector \(name)") }
            return .record(.connector(name: name, status))
        }
        if key.hasPrefix(taskPrefix) {
            // "status-task-<connector>-<n>": the connector may contain dashes.
            let parts = ConnectInternalJSON.javaSplit(key, on: "-")
            guard parts.count >= 4, let task = ConnectInternalJSON.javaInt(parts[parts.count - 1]) else {
                return .ignored(reason: "invalid task status key \(key)")
            }
            let connector = parts[2..<(parts.count - 1)].joined(separator: "-")
            guard let json else { return .record(.task(connector: connector, task: task, nil)) }
            guard let status = status(json) else { return .ignored(reason: "invalid status for task \(connector)-\(task)") }
            return .record(.task(connector: connector, task: task, status))
        }
        if key.hasPrefix(topicPrefix) {
            // Kafka splits at the first ':' and skips the separator's length without checking it.
            let utf8 = Array(key.utf8)
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), colon >= topicPrefix.utf8.count else {
                return .ignored(reason: "invalid topic status key \(key)")
            }
            let topic = String(decoding: utf8[topicPrefix.utf8.count..<colon], as: UTF8.self)
            let connectorStart = colon + topicSeparator.utf8.count
            guard !topic.isEmpty, connectorStart < utf8.count else { return .ignored(reason: "invalid topic status key \(key)") }
            let connector = String(decoding: utf8[connectorStart...], as: UTF8.self)
            guard let json else { return .record(.topic(topic: topic, connector: connector, nil)) }
            guard let inner = json["topic"], let name = inner["name"]?.stringValue, let owner = inner["connector"]?.stringValue,
                  let task = ConnectInternalJSON.integer(inner["task"]), let discovered = ConnectInternalJSON.integer(inner["discoverTimestamp"]) else {
                return .ignored(reason: "invalid topic status value for \(key)")
            }
            let status = ConnectTopicStatus(topic: name, connector: owner, task: Int32(truncatingIfNeeded: task), discoverTimestamp: discovered)
            return .record(.topic(topic: topic, connector: connector, status))
        }
        return .ignored(reason: "status record with invalid key \(key)")
    }

    private static func status(_ json: JSONValue) -> ConnectStatus? {
        guard json.objectMembers != nil, let text = json["state"]?.stringValue, let state = ConnectStatusState(rawValue: text),
              let generation = ConnectInternalJSON.integer(json["generation"]) else { return nil }
        let trace = json["trace"]?.stringValue
        let workerId = json["worker_id"]?.stringValue
        return ConnectStatus(state: state, trace: trace, workerId: workerId, generation: Int32(truncatingIfNeeded: generation))
    }
}
