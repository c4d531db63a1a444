import BrookSchemas
import NIOCore
import NIOHTTP1
import NIOPosix

/// A client of a Confluent-compatible Schema Registry (Brook's own, Confluent's, Karapace, Redpanda):
/// the calls serializers and admin tools make, over its REST API.
///
/// ```swift
/// let registry = try SchemaRegistryClient(url: "http://127.0.0.1:8081")
/// let id = try await registry.register(subject: "orders-value", schema: avroText)
/// let payload = SchemaWireFormat.frame(schemaId: id, payload: encoded)
/// ```
public struct SchemaRegistryClient: Sendable {
    /// A schema as the registry returns it for a subject's version or a lookup.
    public struct SubjectVersion: Sendable, Equatable {
        public var subject: String
        public var id: Int32
        public var version: Int
        public var schemaType: SchemaType
        public var schema: String
        public var references: [SchemaReference]

        public init(subject: String, id: Int32, version: Int, schemaType: SchemaType, schema: String, references: [SchemaReference]) {
            self.subject = subject
            self.id = id
            self.version = version
            self.schemaType = schemaType
            self.schema = schema
            self.references = references
        }
    }

    private let http: RegistryHTTPClient

    /// `url`: `http://HOST[:PORT]` (default port 8081); `timeout` bounds each call.
    public init(url: String, timeout: Duration = .seconds(30),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) } else if rest.contains("://") {
            throw SchemaRegistryClientError.transport("only http:// registry URLs are supported, not \(url)")
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = String(rest)
        var port = 8081
        if let colon = rest.lastIndex(of: ":") {
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw SchemaRegistryClientError.transport("invalid port in registry URL \(url)")
            }
            host = String(rest[..<colon])
            port = parsed
        }
        guard !host.isEmpty else { throw SchemaRegistryClientError.transport("no host in registry URL \(url)") }
        http = RegistryHTTPClient(host: host, port: port, timeout: timeout, group: group)
    }

    // MARK: Generic

    /// Sends one request and returns the JSON the registry answered; a Confluent error body becomes
    /// `SchemaRegistryClientError.server`. `path` includes the query string.
    public func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
        let response = try await http.send(method, path, body: body.map { Array($0.compactText.utf8) })
        let text = String(decoding: response.body, as: UTF8.self)
        let parsed = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            if let parsed, let code = parsed["error_code"]?.int64Value {
                throw SchemaRegistryClientError.server(status: response.status, errorCode: Int(code),
                                                       message: parsed["message"]?.stringValue ?? "")
            }
            throw SchemaRegistryClientError.server(status: response.status, errorCode: response.status * 100, message: text)
        }
        // `GET .../schema` answers the raw schema text, which need not be JSON.
        return parsed ?? .string(text)
    }

    // MARK: Typed calls

    /// Registers `schema` under `subject` (or finds it registered) and returns its global id.
    public func register(subject: String, schema: String, type: SchemaType = .avro, references: [SchemaReference] = [],
                         normalize: Bool = false) async throws -> Int32 {
        let answer = try await request(.POST, "/subjects/\(Self.escape(subject))/versions?normalize=\(normalize)",
                                       body: Self.schemaBody(schema, type: type, references: references))
        guard let id = answer["id"]?.int64Value, let narrow = Int32(exactly: id) else {
            throw SchemaRegistryClientError.invalidResponse("no id in \(answer.compactText)")
        }
        return narrow
    }

    /// The schema with global id `id`.
    public func schema(id: Int32) async throws -> (schema: String, type: SchemaType, references: [SchemaReference]) {
        let answer = try await request(.GET, "/schemas/ids/\(id)")
        guard let schema = answer["schema"]?.stringValue else {
            throw SchemaRegistryClientError.invalidResponse("no schema in \(answer.compactText)")
        }
        return (schema, Self.type(of: answer), Self.references(of: answer))
    }

    /// `version` is a number, `latest` or `-1`.
    public func version(subject: String, version: String = "latest", deleted: Bool = false) async throws -> SubjectVersion {
        try Self.subjectVersion(try await request(.GET, "/subjects/\(Self.escape(subject))/versions/\(Self.escape(version))?deleted=\(deleted)"))
    }

    // MARK: JSON shapes

    /// The request body Confluent's API takes for a schema (register, lookup, compatibility):
    /// `schemaType` left out for Avro, `references` only when there are some.
    public static func schemaBody(_ schema: String, type: SchemaType, references: [SchemaReference]) -> JSONValue {
        var members: [(String, JSONValue)] = [("schema", .string(schema))]
        if type != .avro { members.append(("schemaType", .string(type.rawValue))) }
        if !references.isEmpty {
            members.append(("references", .array(references.map {
                .object([("name", .string($0.name)), ("subject", .string($0.subject)), ("version", JSONValue(integer: Int64($0.version)))])
            })))
        }
        return .object(members)
    }

    static func type(of answer: JSONValue) -> SchemaType {
        answer["schemaType"]?.stringValue.flatMap(SchemaType.init(rawValue:)) ?? .avro
    }

    static func references(of answer: JSONValue) -> [SchemaReference] {
        (answer["references"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, let subject = entry["subject"]?.stringValue,
                  let version = entry["version"]?.int64Value else { return nil }
            return SchemaReference(name: name, subject: subject, version: Int(version))
        }
    }

    static func subjectVersion(_ answer: JSONValue) throws -> SubjectVersion {
        guard let subject = answer["subject"]?.stringValue, let id = answer["id"]?.int64Value.flatMap(Int32.init(exactly:)),
              let version = answer["version"]?.int64Value, let schema = answer["schema"]?.stringValue else {
            throw SchemaRegistryClientError.invalidResponse(answer.compactText)
        }
        return SubjectVersion(subject: subject, id: id, version: Int(version), schemaType: type(of: answer),
                              schema: schema, references: references(of: answer))
    }

    /// Percent-encodes a path segment (subjects may hold any character but `/`-free is not promised).
    public static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
