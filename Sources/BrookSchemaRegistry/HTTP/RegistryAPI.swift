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
        let call = Call(segments: PercentDecoding.segments(of: request.path),
                        query: PercentDecoding.parameters(of: request.query), method: request.method, body: request.body)
        switch call.segments.first {
        case nil:
            try call.allow("GET")
            return .json(.object([]))
        case "subjects": return try await subjects(call)
        case "schemas": return try await schemas(call)
        case "config": return try await config(call)
        case "mode": return try await mode(call)
        case "compatibility": return try await compatibility(call)
        case "contexts" where call.segments.count == 1:
            try call.allow("GET")
            return .json(.array([.string(".")]))
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
                return .json(RegistryResponseBodies.version(found))
            case "DELETE":
                let permanent = call.flag("permanent")
                let versions = try await service.write { state throws(RegistryError) in try state.deleteSubject(subject: subject, permanent: permanent) }
                return .json(.array(versions.map(JSONValue.int)))
            default:
                throw .methodNotAllowed
            }
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
                return .json(.members([("id", .int(result.id))]))
            default:
                throw .methodNotAllowed
            }
        }
        let selector = try VersionSelector(parsing: s[3])
        if s.count == 4 {
            switch call.method {
            case "GET":
                let state = try await service.currentState()
                var value = try state.version(subject: subject, selector, includeDeleted: call.flag("deleted"))
                value.schema = Self.rendered(value.schema, id: value.id, type: value.schemaType, state: state, format: call.query["format"])
                return .json(RegistryResponseBodies.version(value))
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
        try call.allow("GET")
        let state = try await service.currentState()
        switch s[4] {
        case "schema":
            return RegistryHTTPResponse(status: 200, body: try state.version(subject: subject, selector, includeDeleted: call.flag("deleted")).schema)
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
            return .json(.array(all.map(RegistryResponseBodies.version)))
        }
        if s == ["schemas", "types"] {
            return .json(.array(["JSON", "PROTOBUF", "AVRO"].map(JSONValue.string)))
        }
        guard s.count >= 3, s.count <= 4, s[1] == "ids" else { throw .routeNotFound }
        guard let id = Int(s[2]) else { throw .schemaIDNotFound(s[2]) }
        if s.count == 3 {
            if let subject = call.query["subject"], !subject.isEmpty { try state.validate(subject: subject) }
            var schema = try state.schema(id: id)
            schema.schema = Self.rendered(schema.schema, id: id, type: schema.schemaType, state: state, format: call.query["format"])
            return .json(RegistryResponseBodies.schema(schema))
        }
        switch s[3] {
        case "schema":
            return RegistryHTTPResponse(status: 200, body: try state.schema(id: id).schema)
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

    /// `?format=serialized` on a Protobuf schema: the base64 `FileDescriptorProto` Confluent's
    /// clients ask for (confluent-kafka-python's Protobuf deserializer always does); the stored text
    /// otherwise (other formats are accepted and answered with the stored text, as for Avro and JSON).
    static func rendered(_ text: String, id: Int, type: SchemaType, state: RegistryState, format: String?) -> String {
        guard format == "serialized", type == .protobuf, let proto = state.parsedByID[id] as? ProtobufSchema else { return text }
        return proto.serializedDescriptor()
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
}

extension RegistryState {
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
