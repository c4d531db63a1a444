import BrookSchemas

/// JSON with an optional inline schema (Kafka's `org.apache.kafka.connect.json.JsonConverter`).
/// With `schemas.enable=true` (the default) every message is `{"schema":…,"payload":…}`, written as
/// Kafka writes it (member order, optional flags, names, parameters); otherwise plain JSON, read back
/// schemaless (integers as INT64, other numbers as FLOAT64, objects as maps).
public struct JsonConverter: ConnectConverter {
    public let config: JsonConverterConfig
    public let isKey: Bool

    public init(configuration: [String: String] = [:], isKey: Bool = false) throws(ConnectConfigError) {
        self.config = try JsonConverterConfig(properties: configuration)
        self.isKey = isKey
    }

    public init(config: JsonConverterConfig, isKey: Bool = false) {
        self.config = config
        self.isKey = isKey
    }

    static let envelopeMessage = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration."

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> [UInt8]? {
        if schema == nil && value == .null { return nil }
        let json = try fromConnectJSON(schema: schema, value: value)
        return json.map { Array(Self.text(of: $0).utf8) }
    }

    /// The JSON document `fromConnectData` writes; nil for a schemaless null without an envelope.
    public func fromConnectJSON(schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> JSONValue? {
        let payload = try JsonValueWriter(config: config).json(schema: schema, value: value)
        guard config.schemasEnabled else { return payload }
        let schemaJSON = try schema.map { (s) throws(ConnectDataError) in try JsonSchemaCodec(config: config).jsonSchema(s) } ?? .null
        return .object([("schema", schemaJSON), ("payload", payload ?? .null)])
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) throws(ConnectDataError) -> ConnectSchemaAndValue {
        guard let bytes else { return .null }
        let document: JSONValue?
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            document = nil  // Jackson reads no content as a MISSING node
        } else {
            do {
                document = try JSONParser.parse(bytes)
            } catch {
                throw ConnectDataError("Converting byte[] to Kafka Connect data failed due to serialization error: \(error)")
            }
        }
        guard config.schemasEnabled else {
            return ConnectSchemaAndValue(schema: nil, value: try JsonValueReader(config: config).value(schema: nil, json: document))
        }
        guard let document, let members = document.objectMembers, members.count == 2,
              let schemaJSON = document["schema"], let payload = document["payload"] else {
            throw ConnectDataError(Self.envelopeMessage)
        }
        let schema = try JsonSchemaCodec(config: config).connectSchema(schemaJSON)
        return ConnectSchemaAndValue(schema: schema, value: try JsonValueReader(config: config).value(schema: schema, json: payload))
    }

    /// Compact JSON as Jackson prints it (no spaces, upper-case hex in \u escapes).
    static func text(of json: JSONValue) -> String {
        json.text(sortingKeys: false, uppercaseEscapes: true)
    }
}
