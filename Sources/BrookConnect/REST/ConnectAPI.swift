import BrookSchemas

/// Kafka Connect's REST API (`ConnectorsResource`, `ConnectorPluginsResource`, `RootResource`)
/// over a `ConnectHerder`, independent of the HTTP server: routes a request, renders the answer or
/// Connect's `{"error_code","message"}` body.
public struct ConnectAPI: Sendable {
    public let herder: any ConnectHerder

    public init(herder: any ConnectHerder) {
        self.herder = herder
    }

    public func respond(to request: ConnectHTTPRequest) async -> ConnectHTTPResponse {
        do {
            return try await route(request)
        } catch let error as ConnectRESTError {
            return ConnectHTTPResponse(status: error.status, body: error.body.compactText)
        } catch {
            return ConnectHTTPResponse(status: 500, body: ConnectRESTError(status: 500, message: "\(error)").body.compactText)
        }
    }

    private func route(_ request: ConnectHTTPRequest) async throws -> ConnectHTTPResponse {
        let segments = request.path.split(separator: "/").map { Self.percentDecoded(String($0)) }
        let query = Self.queryItems(request.query)
        func allow(_ methods: String...) throws {
            guard methods.contains(request.method) else { throw ConnectRESTError(status: 405, message: "HTTP 405 Method Not Allowed") }
        }
        switch (segments.first, segments.count) {
        case (nil, _):
            try allow("GET")
            return .json(.object([("version", .string(BrookConnect.compatibleConnectVersion)), ("commit", .string("brook")),
                                  ("kafka_cluster_id", .string(herder.kafkaClusterID))]))
        case ("connectors", 1):
            try allow("GET", "POST")
            return request.method == "GET" ? try await listConnectors(expand: query.filter { $0.0 == "expand" }.map(\.1))
                : try await createConnector(request.body)
        case ("connectors", _):
            return try await connector(segments[1], rest: Array(segments.dropFirst(2)), request: request, query: query)
        case ("connector-plugins", 1):
            try allow("GET")
            return .json(.array(herder.plugins().map(\.json)))
        case ("connector-plugins", 3) where segments[2] == "config":
            try allow("GET")
            guard let plugin = ConnectorPlugins.plugin(named: segments[1]) else {
                throw ConnectRESTError(status: 404, message: "Unknown plugin \(segments[1]).")
            }
            return .json(.array(ConfigValidation(pluginName: plugin.className, keys: plugin.allKeys, config: [:]).definitionsJSON))
        case ("connector-plugins", 4) where segments[2] == "config" && segments[3] == "validate":
            try allow("PUT")
            var config = try Self.stringMap(request.body)
            if let included = config["connector.class"],
               !Self.normalized(included).hasSuffix(Self.normalized(segments[1])) {
                throw ConnectRESTError.badRequest("Included connector type \(included) does not match request type \(segments[1])")
            }
            config["connector.class"] = config["connector.class"] ?? segments[1]
            return .json(try herder.validate(config, plugin: segments[1]).json)
        default:
            throw ConnectRESTError(status: 404, message: "HTTP 404 Not Found")
        }
    }

    private func listConnectors(expand: [String]) async throws -> ConnectHTTPResponse {
        let names = await herder.connectorNames()
        guard !expand.isEmpty else { return .json(.array(names.map(JSONValue.string))) }
        var out: [(String, JSONValue)] = []
        for name in names {
            var members: [(String, JSONValue)] = []
            if expand.contains("status") { members.append(("status", try await herder.status(name).json)) }
            if expand.contains("info") { members.append(("info", try await herder.connectorInfo(name).json)) }
            out.append((name, .object(members)))
        }
        return .json(.object(out))
    }

    private func createConnector(_ body: [UInt8]) async throws -> ConnectHTTPResponse {
        let request = try Self.json(body)
        guard case .object = request else { throw ConnectRESTError.badRequest("Request body must be a JSON object") }
        let name = request["name"]?.stringValue?.trimmingCharacters(in: " \t\n") ?? ""
        guard let configJSON = request["config"], configJSON != .null else {
            throw ConnectRESTError.badRequest("Connector config must be provided")
        }
        var config = try Self.stringMap(configJSON)
        try Self.checkName(name, in: &config)
        var initial = ConnectTargetState.started
        if let text = request["initial_state"]?.stringValue {
            guard let state = ConnectTargetState(initialState: text) else {
                throw ConnectRESTError.badRequest("Invalid initial state \(text): expected RUNNING, PAUSED or STOPPED")
            }
            initial = state
        }
        let result = try await herder.putConnectorConfig(name, config: config, allowReplace: false, initialState: initial)
        return ConnectHTTPResponse(status: 201, body: result.info.json.compactText)
    }

    private func connector(_ name: String, rest: [String], request: ConnectHTTPRequest,
                           query: [(String, String)]) async throws -> ConnectHTTPResponse {
        func allow(_ methods: String...) throws {
            guard methods.contains(request.method) else { throw ConnectRESTError(status: 405, message: "HTTP 405 Method Not Allowed") }
        }
        func flag(_ name: String) -> Bool { query.last { $0.0 == name }?.1.lowercased() == "true" }
        switch rest {
        case []:
            try allow("GET", "DELETE")
            if request.method == "DELETE" {
                try await herder.deleteConnector(name)
                return ConnectHTTPResponse(status: 204, body: "")
            }
            return .json(try await herder.connectorInfo(name).json)
        case ["config"]:
            try allow("GET", "PUT", "PATCH")
            switch request.method {
            case "GET":
                return .json(ConnectorInfo.configJSON(try await herder.connectorInfo(name).config))
            case "PUT":
                var config = try Self.stringMap(request.body)
                try Self.checkName(name, in: &config)
                let result = try await herder.putConnectorConfig(name, config: config, allowReplace: true, initialState: .started)
                return ConnectHTTPResponse(status: result.created ? 201 : 200, body: result.info.json.compactText)
            default:
                let patch = try Self.json(request.body)
                guard let members = patch.objectMembers else { throw ConnectRESTError.badRequest("Request body must be a JSON object") }
                var config = try await herder.connectorInfo(name).config
                for (key, value) in members {
                    if value == .null { config[key] = nil } else { config[key] = try Self.configString(value, key: key) }
                }
                try Self.checkName(name, in: &config)
                let result = try await herder.putConnectorConfig(name, config: config, allowReplace: true, initialState: .started)
                return .json(result.info.json)
            }
        case ["status"]:
            try allow("GET")
            return .json(try await herder.status(name).json)
        case ["tasks"]:
            try allow("GET")
            let tasks = try await herder.taskConfigs(name)
            return .json(.array(tasks.enumerated().map { index, config in
                .object([("id", .object([("connector", .string(name)), ("task", RESTJSON.int(index))])),
                         ("config", ConnectorInfo.configJSON(config))])
            }))
        case let path where path.count >= 2 && path[0] == "tasks":
            guard let task = Int(path[1]), task >= 0 else { throw ConnectRESTError(status: 404, message: "HTTP 404 Not Found") }
            let status = try await herder.status(name)
            guard status.tasks.indices.contains(task) else {
                throw ConnectRESTError(status: 404, message: "No status found for task \(name)-\(task)")
            }
            switch Array(path.dropFirst(2)) {
            case ["status"]:
                try allow("GET")
                return .json(.object([("id", RESTJSON.int(task))] + status.tasks[task].restMembers))
            case ["restart"]:
                try allow("POST")
                try await herder.restartTask(name, task: task)
                return ConnectHTTPResponse(status: 204, body: "")
            default:
                throw ConnectRESTError(status: 404, message: "HTTP 404 Not Found")
            }
        case ["pause"], ["resume"], ["stop"]:
            try allow("PUT")
            let state: ConnectTargetState = rest[0] == "pause" ? .paused : rest[0] == "resume" ? .started : .stopped
            try await herder.setTargetState(name, state)
            return ConnectHTTPResponse(status: 202, body: "")
        case ["restart"]:
            try allow("POST")
            let includeTasks = flag("includeTasks"), onlyFailed = flag("onlyFailed")
            try await herder.restartConnector(name, includeTasks: includeTasks, onlyFailed: onlyFailed)
            if !includeTasks && !onlyFailed { return ConnectHTTPResponse(status: 204, body: "") }
            return ConnectHTTPResponse(status: 202, body: try await herder.status(name).json.compactText)
        case ["topics"]:
            try allow("GET")
            let topics = try await herder.connectorTopics(name)
            return .json(.object([(name, .object([("topics", .array(topics.map(JSONValue.string)))]))]))
        case ["topics", "reset"]:
            try allow("PUT")
            try await herder.resetConnectorTopics(name)
            return ConnectHTTPResponse(status: 202, body: "")
        case ["offsets"]:
            try allow("GET", "PATCH", "DELETE")
            _ = try await herder.connectorInfo(name)
            guard let offsets = herder as? any ConnectOffsetsHerder else {
                if request.method == "GET" { return .json(.object([("offsets", .array([]))])) }
                // Refused rather than answered as if done: this herder keeps no offsets.
                throw ConnectRESTError(status: 501, message: "Altering or resetting connector offsets is not supported by this Brook version")
            }
            switch request.method {
            case "GET":
                let list = try await offsets.connectorOffsets(name)
                return .json(.object([("offsets", .array(list.map { .object([("partition", $0.partition), ("offset", $0.offset ?? .null)]) }))]))
            case "PATCH":
                try await offsets.alterConnectorOffsets(name, try Self.offsets(request.body))
                return .json(.object([("message", .string("The offsets for this connector have been altered successfully"))]))
            default:
                try await offsets.resetConnectorOffsets(name)
                return .json(.object([("message", .string("The offsets for this connector have been reset successfully"))]))
            }
        default:
            throw ConnectRESTError(status: 404, message: "HTTP 404 Not Found")
        }
    }

    // MARK: Request bodies

    static func json(_ body: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw ConnectRESTError.badRequest("Request body is not valid JSON: \(error)")
        }
    }

    static func stringMap(_ body: [UInt8]) throws -> [String: String] { try stringMap(try json(body)) }

    /// A PATCH …/offsets body: `{"offsets":[{"partition":{…},"offset":{…}|null}]}`.
    static func offsets(_ body: [UInt8]) throws -> [ConnectorOffset] {
        guard let list = try json(body)["offsets"]?.arrayValue else {
            throw ConnectRESTError.badRequest("Partitions / offsets need to be provided for an alter offsets request")
        }
        return try list.map { entry in
            guard let partition = entry["partition"], partition.objectMembers != nil else {
                throw ConnectRESTError.badRequest("Partitions / offsets need to be provided for an alter offsets request")
            }
            let offset = entry["offset"]
            if let offset, offset != .null, offset.objectMembers == nil {
                throw ConnectRESTError.badRequest("Offset for partition \(partition.compactText) must be a JSON object or null")
            }
            return ConnectorOffset(partition: partition, offset: offset == .null ? nil : offset)
        }
    }

    /// A config object: string values; numbers and booleans are taken as their text, as Jackson
    /// reads them into a `Map<String, String>`.
    static func stringMap(_ value: JSONValue) throws -> [String: String] {
        guard let members = value.objectMembers else { throw ConnectRESTError.badRequest("Connector config must be a JSON object") }
        var out: [String: String] = [:]
        for (key, value) in members where value != .null { out[key] = try configString(value, key: key) }
        return out
    }

    static func configString(_ value: JSONValue, key: String) throws -> String {
        if let text = value.stringValue { return text }
        if let flag = value.boolValue { return flag ? "true" : "false" }
        if case .number(let literal) = value { return literal }
        throw ConnectRESTError.badRequest("Config \(key) must be a string, not \(value.compactText)")
    }

    static func checkName(_ name: String, in config: inout [String: String]) throws {
        if let included = config["name"] {
            guard included == name else {
                throw ConnectRESTError.badRequest("Connector name configuration (\(included)) doesn't match connector name in the URL (\(name))")
            }
        } else {
            config["name"] = name
        }
    }

    static func normalized(_ plugin: String) -> String {
        plugin.hasSuffix("Connector") ? String(plugin.dropLast("Connector".count)) : plugin
    }

    static func queryItems(_ query: String?) -> [(String, String)] {
        (query ?? "").split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            return (percentDecoded(String(parts[0])), parts.count > 1 ? percentDecoded(String(parts[1])) : "")
        }
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ConnectHTTPResponse {
    static func json(_ value: JSONValue) -> Self { Self(status: 200, body: value.compactText) }
}
