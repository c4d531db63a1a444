import BrookSchemas

/// Confluent's Schema Registry REST API over a `SchemaRegistryService`, independent of the HTTP
/// server: routes a `RegistryHTTPRequest` to a query or command and renders the answer or the
/// `{"error_code","message"}` body (PLATFORM-NOTES §1.1, §1.2).
public struct RegistryAPI: Sendable {
    public let service: SchemaRegistryService
    /// The Kafka cluster id `GET /v1/metadata/id` reports.
    public let kafkaClusterID: String

    public init(service: SchemaRegistryService, kafkaClusterID: String) {
        self.service = service
        self.kafkaClusterID = kafkaClusterID
    }

    private static let bodyContentTypes: Set<String> = [
        "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json", "application/octet-stream",
    ]

    public func respond(to request: RegistryHTTPRequest) async -> RegistryHTTPResponse {
        do {
            return try await route(request)
        } catch {
            return RegistryHTTPResponse(status: error.httpStatus, body: RegistryResponseBodies.error(error).compactText)
        }
    }

    private func route(_ request: RegistryHTTPRequest) async throws(RegistryError) -> RegistryHTTPResponse {
        if request.method == "POST" || request.method == "PUT", let type = request.contentType {
            let bare = type.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
            if !bare.isEmpty, !Self.bodyContentTypes.contains(bare) {
                throw RegistryError(httpStatus: 415, errorCode: 415, message: "HTTP 415 Unsupported Media Type")
            }
        }
        let call = Call(segments: PercentDecoding.segments(of: request.path), query: PercentDecoding.parameters(of: request.query),
                        pairs: PercentDecoding.allParameters(of: request.query), method: request.method, body: request.body)
        switch call.segments.first {
        case nil:
            try call.allow("GET")
            return .json(.object([]))
        case "subjects": return try await subjects(call)
        case "schemas": return try await schemas(call)
        case "config": return try await config(call)
        case "mode": return try await mode(call)
        case "compatibility": return try await compatibility(call)
        case "contexts": return try await contexts(call)
        case "v1" where call.segments == ["v1", "metadata", "id"]:
            try call.allow("GET")
            return .json(.members([("scope", .members([
                ("path", .array([])),
                ("clusters", .members([("kafka-cluster", .string(kafkaClusterID)), ("schema-registry-cluster", .string("schema-registry"))])),
            ]))]))
        default:
            throw .routeNotFound
        }
    }

    // MARK: /subjects

    private func subjects(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        let s = call.segments
        if s.count == 1 {
            try call.allow("GET")
            let state = try await service.currentState()
            return .json(.array(state.subjectNames(prefix: call.query["subjectPrefix"] ?? "", includeDeleted: call.flag("deleted"),
                                                   deletedOnly: call.flag("deletedOnly")).map(JSONValue.string)))
        }
        let subject = s[1]
        if s.count == 2 {
            switch call.method {
            case "POST":
                let body = try RegistryRequestBodies.register(call.body)
                let state = try await service.currentState()
                let found = try state.lookup(subject: subject, request: body, normalize: call.flag("normalize") || state.normalizesByDefault(subject),
                                             includeDeleted: call.flag("deleted"))
                return .json(RegistryResponseBodies.version(found, guid: state.guid(of: found), text: state.formatted(found, format: call.query["format"])))
            case "DELETE":
                let permanent = call.flag("permanent")
                let versions = try await service.write { state throws(RegistryError) in try state.deleteSubject(subject: subject, permanent: permanent) }
                return .json(.array(versions.map(JSONValue.int)))
            default:
                throw .methodNotAllowed
            }
        }
        if s[2] == "metadata", s.count == 3 {
            try call.allow("GET")
            let state = try await service.currentState()
            let keys = call.pairs.filter { $0.name == "key" }.map(\.value)
            let values = call.pairs.filter { $0.name == "value" }.map(\.value)
            let found = try state.latestWithMetadata(subject: subject, pairs: zip(keys, values).map { (key: $0, value: $1) },
                                                     includeDeleted: call.flag("deleted"))
            return .json(RegistryResponseBodies.version(found, guid: state.guid(of: found), text: state.formatted(found, format: call.query["format"])))
        }
        guard s[2] == "versions" else { throw .subjectRouteNotFound }
        if s.count == 3 {
            switch call.method {
            case "GET":
                let state = try await service.currentState()
                return .json(.array(try state.versionNumbers(subject: subject, includeDeleted: call.flag("deleted"),
                                                             deletedOnly: call.flag("deletedOnly")).map(JSONValue.int)))
            case "POST":
                let body = try RegistryRequestBodies.register(call.body)
                let current = try await service.currentState()
                let normalize = call.flag("normalize") || current.normalizesByDefault(subject)
                let result = try await service.write { state throws(RegistryError) in
                    try state.register(subject: subject, request: body, normalize: normalize)
                }
                let state = try await service.currentState()
                guard let stored = try? state.version(subject: subject, .number(result.version), includeDeleted: true), stored.id == result.id else {
                    // Deleted again before this answer was built: what older servers answer.
                    return .json(.members([("id", .int(result.id))]))
                }
                return .json(RegistryResponseBodies.registered(stored, guid: state.guid(of: stored),
                                                                  text: call.query["format"].map { state.formatted(stored, format: $0) }))
            default:
                throw .methodNotAllowed
            }
        }
        let selector = try VersionSelector(parsing: s[3])
        if s.count == 4 {
            switch call.method {
            case "GET":
                let state = try await service.currentState()
                let value = try state.version(subject: subject, selector, includeDeleted: call.flag("deleted"))
                return .json(RegistryResponseBodies.version(value, guid: state.guid(of: value), text: state.formatted(value, format: call.query["format"])))
            case "DELETE":
                let permanent = call.flag("permanent")
                let version = try await service.write { state throws(RegistryError) in
                    try state.deleteVersion(subject: subject, version: selector, permanent: permanent)
                }
                return .json(.int(version))
            default:
                throw .methodNotAllowed
            }
        }
        guard s.count == 5 else { throw .subjectRouteNotFound }
        if s[4] == "tags" {
            try call.allow("POST")
            throw .schemaTagsNotSupported
        }
        try call.allow("GET")
        let state = try await service.currentState()
        switch s[4] {
        case "schema":
            let value = try state.version(subject: subject, selector, includeDeleted: call.flag("deleted"))
            return RegistryHTTPResponse(status: 200, body: state.formatted(value, format: call.query["format"]))
        case "referencedby":
            return .json(.array(try state.referencedBy(subject: subject, selector).map(JSONValue.int)))
        default:
            throw .subjectRouteNotFound
        }
    }

    // MARK: /schemas

    private func schemas(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        let s = call.segments
        try call.allow("GET")
        let state = try await service.currentState()
        if s.count == 1 {
            var all = state.allVersions(prefix: call.query["subjectPrefix"] ?? "", includeDeleted: call.flag("deleted"),
                                        latestOnly: call.flag("latestOnly"))
            let offset = max(0, Int(call.query["offset"] ?? "") ?? 0)
            all = Array(all.dropFirst(offset))
            if let limit = Int(call.query["limit"] ?? ""), limit >= 0 { all = Array(all.prefix(limit)) }
            return .json(.array(all.map { RegistryResponseBodies.version($0, guid: state.guid(of: $0)) }))
        }
        if s == ["schemas", "types"] {
            return .json(.array(["JSON", "PROTOBUF", "AVRO"].map(JSONValue.string)))
        }
        if s.count >= 3, s.count <= 4, s[1] == "guids" {
            if s.count == 4 {
                guard s[3] == "ids" else { throw .routeNotFound }
                return .json(.array(state.schemaIDs(guid: s[2]).map { .members([("context", .string(".")), ("id", .int($0))]) }))
            }
            let id = try state.schemaID(guid: s[2])
            let schema = try state.schema(id: id)
            return .json(RegistryResponseBodies.schema(schema, guid: state.guid(ofID: id),
                                                      text: state.formatted(text: schema.schema, type: schema.schemaType, references: schema.references,
                                                                            id: id, format: call.query["format"])))
        }
        guard s.count >= 3, s.count <= 4, s[1] == "ids" else { throw .routeNotFound }
        guard let id = Int(s[2]) else { throw .schemaIDNotFound(s[2]) }
        if s.count == 3 {
            if let subject = call.query["subject"], !subject.isEmpty { try state.validate(subject: subject) }
            let schema = try state.schema(id: id)
            return .json(RegistryResponseBodies.schema(schema, guid: state.guid(ofID: id),
                                                      text: state.formatted(text: schema.schema, type: schema.schemaType, references: schema.references,
                                                                            id: id, format: call.query["format"])))
        }
        switch s[3] {
        case "schema":
            let schema = try state.schema(id: id)
            return RegistryHTTPResponse(status: 200, body: state.formatted(text: schema.schema, type: schema.schemaType, references: schema.references,
                                                                           id: id, format: call.query["format"]))
        case "subjects":
            return .json(.array(try state.subjectNames(id: id, includeDeleted: call.flag("deleted")).map(JSONValue.string)))
        case "versions":
            return .json(.array(try state.subjectVersions(id: id, includeDeleted: call.flag("deleted")).map {
                .members([("subject", .string($0.subject)), ("version", .int($0.version))])
            }))
        default:
            throw .routeNotFound
        }
    }

    // MARK: /config and /mode

    private func config(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        guard call.segments.count <= 2 else { throw .routeNotFound }
        let subject = call.segments.count == 2 ? call.segments[1] : nil
        switch call.method {
        case "GET":
            let state = try await service.currentState()
            return .json(RegistryResponseBodies.config(try state.config(subject: subject, defaultToGlobal: call.flag("defaultToGlobal"))))
        case "PUT":
            let (level, others) = try RegistryRequestBodies.config(call.body)
            let stored = try await service.write { state throws(RegistryError) in
                try state.setConfig(subject: subject, compatibility: level, otherMembers: others)
            }
            // Confluent echoes the update in the request's shape.
            return .json(.members([("compatibility", stored.compatibilityLevel.map { .string($0.rawValue) })]
                + (others.objectMembers ?? []).map { ($0.0, $0.1) }))
        case "DELETE":
            let previous = try await service.write { state throws(RegistryError) in try state.deleteConfig(subject: subject) }
            return .json(RegistryResponseBodies.config(previous))
        default:
            throw .methodNotAllowed
        }
    }

    private func mode(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        guard call.segments.count <= 2 else { throw .routeNotFound }
        let subject = call.segments.count == 2 ? call.segments[1] : nil
        switch call.method {
        case "GET":
            let state = try await service.currentState()
            return .json(RegistryResponseBodies.mode(try state.mode(subject: subject, defaultToGlobal: call.flag("defaultToGlobal"))))
        case "PUT":
            let mode = try RegistryRequestBodies.mode(call.body)
            let force = call.flag("force")
            let stored = try await service.write { state throws(RegistryError) in try state.setMode(subject: subject, mode: mode, force: force) }
            return .json(RegistryResponseBodies.mode(stored))
        case "DELETE" where subject != nil:
            let previous = try await service.write { state throws(RegistryError) in try state.deleteMode(subject: subject!) }
            return .json(RegistryResponseBodies.mode(previous))
        default:
            throw .methodNotAllowed
        }
    }

    // MARK: /contexts

    private func contexts(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        let s = call.segments
        if s.count == 1 {
            try call.allow("GET")
            // Confluent filters by `contextPrefix`, then pages with `offset` and `limit` (< 1: all).
            var names = try await service.currentState().contexts.filter { $0.hasPrefix(call.query["contextPrefix"] ?? "") }
            names = Array(names.dropFirst(max(0, Int(call.query["offset"] ?? "") ?? 0)))
            if let limit = Int(call.query["limit"] ?? ""), limit > 0 { names = Array(names.prefix(limit)) }
            return .json(.array(names.map(JSONValue.string)))
        }
        guard s.count == 2 else { throw .routeNotFound }
        try call.allow("DELETE")
        try await service.currentState().checkContextDeletable(s[1])
        return RegistryHTTPResponse(status: 204, body: "")
    }

    // MARK: /compatibility

    private func compatibility(_ call: Call) async throws(RegistryError) -> RegistryHTTPResponse {
        let s = call.segments
        guard s.count == 4 || s.count == 5, s[1] == "subjects", s[3] == "versions" else { throw .routeNotFound }
        try call.allow("POST")
        let selector = s.count == 5 ? try VersionSelector(parsing: s[4]) : nil
        let body = try RegistryRequestBodies.register(call.body)
        let state = try await service.currentState()
        let result = try state.checkCompatibility(subject: s[2], version: selector, request: body,
                                                  normalize: call.flag("normalize") || state.normalizesByDefault(s[2]), verbose: call.flag("verbose"))
        var members: [(String, JSONValue?)] = [("is_compatible", .bool(result.isCompatible))]
        if call.flag("verbose") { members.append(("messages", .array(result.messages.map(JSONValue.string)))) }
        return .json(.members(members))
    }
}

/// One request, split up for routing.
private struct Call {
    var segments: [String]
    var query: [String: String]
    /// Every parameter in order, repeated names included (`?key=a&value=1&key=b&value=2`).
    var pairs: [(name: String, value: String)]
    var method: String
    var body: [UInt8]

    func flag(_ name: String) -> Bool { query[name]?.lowercased() == "true" }

    func allow(_ allowed: String) throws(RegistryError) {
        if method != allowed { throw .methodNotAllowed }
    }
}

extension RegistryHTTPResponse {
    static func json(_ value: JSONValue) -> Self { .init(status: 200, body: value.compactText) }
}

extension RegistryError {
    /// Confluent's REST layer answers unknown paths with a bare 404.
    static let routeNotFound = RegistryError(httpStatus: 404, errorCode: 404, message: "HTTP 404 Not Found")
    /// An unknown path under /subjects/{s}: "not found" in the subject space.
    static let subjectRouteNotFound = RegistryError(httpStatus: 404, errorCode: 40401, message: "HTTP 404 Not Found")
    static let methodNotAllowed = RegistryError(httpStatus: 405, errorCode: 405, message: "HTTP 405 Method Not Allowed")
    static func schemaIDNotFound(_ text: String) -> Self { .init(httpStatus: 404, errorCode: 40403, message: "Schema \(text) not found") }
    /// Confluent's schema tags rewrite the schema text per type (`confluent:tags`); Brook does not,
    /// and refuses rather than accept and drop them (issue 13).
    static let schemaTagsNotSupported = RegistryError(
        httpStatus: 422, errorCode: 422, message: "Schema tags are not supported by this registry (schemaTagsToAdd, schemaTagsToRemove, /tags)")
}

extension RegistryState {
    /// The GUID of a stored version: its id's, computed when the id is not indexed.
    func guid(of value: SchemaRecordValue) -> SchemaGUID { guid(ofID: value.id) ?? SchemaGUID(value) }

    /// Whether the subject's (else the global) config asks for `normalize` on every registration.
    func normalizesByDefault(_ subject: String) -> Bool {
        (subjectConfigs[subject]?.otherMembers["normalize"] ?? globalConfig?.otherMembers["normalize"])?.boolValue ?? false
    }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
