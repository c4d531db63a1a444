import BrookRegistryClient
import BrookSchemas

/// Connect data as JSON with a registered JSON Schema, in the Schema Registry wire format (Confluent's
/// `io.confluent.connect.json.JsonSchemaConverter` with `JsonSchemaData`): the Connect schema becomes
/// a JSON Schema document registered under the subject name strategy's subject
/// (`auto.register.schemas`, default true) or matched against the subject's latest version
/// (`use.latest.version`); values are written as UTF-8 JSON after the magic byte and schema id.
/// Schemaless values are refused; payloads are not validated against the document (Confluent
/// validates only with `json.fail.invalid.schema=true`).
public actor JsonSchemaConverter: ConnectAsyncConverter {
    public let isKey: Bool
    let settings: RegistryConverterSettings
    let values: ConnectJsonSchemaValues
    private let registry: any SchemaRegistryLookups
    private var registeredIDs: RegisteredSchemaIDs
    private var schemasByID: [Int32: ConnectSchema] = [:]
    private var maximumCachedSchemas: Int { settings.maximumCachedSchemas }

    /// `configuration` is the converter's own properties (`schema.registry.url` is used by whoever
    /// builds `registry`).
    public init(configuration: [String: String], isKey: Bool, registry: any SchemaRegistryLookups) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(configuration)
        self.isKey = isKey
        self.registry = registry
        settings = try RegistryConverterSettings(reader, isKey: isKey)
        registeredIDs = RegisteredSchemaIDs(capacity: settings.maximumCachedSchemas)
        let format = try reader.choice(JsonConverterConfig.decimalFormatConfig, default: "BASE64", allowed: ["BASE64", "NUMERIC"], caseInsensitive: true)
        values = ConnectJsonSchemaValues(decimalFormat: JsonConverterConfig.DecimalFormat(rawValue: format) ?? .base64,
                                         ignoreDefaultForNullables: try reader.bool("ignore.default.for.nullables", default: false))
    }

    /// The subject for `topic`; the record strategies use the document's `title` (the schema name).
    func subject(topic: String, schema: ConnectSchema) throws(ConnectDataError) -> String {
        let suffix = isKey ? "-key" : "-value"
        switch settings.strategy {
        case .topicName: return topic + suffix
        case .recordName, .topicRecordName:
            guard let recordName = schema.name, schema.type == .struct else {
                throw ConnectDataError("In configuration \(isKey ? "key" : "value").subject.name.strategy = \(settings.strategy.rawValue), the message must have a titled object schema")
            }
            return settings.strategy == .recordName ? recordName : topic + "-" + recordName
        }
    }

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) async throws -> [UInt8]? {
        if value == .null { return nil }
        guard let schema else {
            throw ConnectDataError("Brook's JsonSchemaConverter needs a schema: a schemaless \(value.javaClassDescription) has no JSON Schema here")
        }
        let document = try ConnectToJsonSchema(values: values).document(for: schema)
        let text: String
        do {
            text = try JSONSchemaDocument(document.compactText).canonicalString
        } catch {
            throw ConnectDataError("Converting Kafka Connect data to byte[] failed due to serialization error of topic \(topic): \(error.message)")
        }
        let id = try await schemaID(for: text, subject: subject(topic: topic, schema: schema))
        guard let json = try values.json(value, schema: schema) else { return nil }
        return SchemaWireFormat.frame(schemaId: id, payload: Array(json.compactText.utf8))
    }

    private func schemaID(for text: String, subject: String) async throws -> Int32 {
        if let known = registeredIDs.id(of: text, subject: subject) { return known }
        let id = try await settings.resolveID(of: text, type: .json, subject: subject, registry: registry, form: "JSON Schema",
                                              isSame: { (try? JSONSchemaDocument($0))?.canonicalString == text })
        registeredIDs.remember(id, of: text, subject: subject)
        return id
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) async throws -> ConnectSchemaAndValue {
        guard let bytes else { return .null }
        guard let (id, payload) = SchemaWireFormat.parse(bytes) else {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to JSON schema: Unknown magic byte!")
        }
        let schema = try await connectSchema(id: id)
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(payload))
        } catch {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to JSON schema: \(error)")
        }
        return ConnectSchemaAndValue(schema: schema, value: try values.connect(json, schema: schema))
    }

    // Not optimized: the Swift 6.3 compiler crashes splitting this coroutine in release builds
    // (LLVM CoroSplit, emitSetAndGetSwiftErrorValueAround; see AvroConverter.fetch); once per id.
    @_optimize(none)
    private func connectSchema(id: Int32) async throws -> ConnectSchema {
        if let known = schemasByID[id] { return known }
        let found = try await registry.schema(id: id)
        guard found.type == .json else { throw ConnectDataError("Schema \(id) is \(found.type.rawValue), not JSON") }
        guard found.references.isEmpty else { throw ConnectDataError("Brook's JsonSchemaConverter does not read schemas with references (schema \(id))") }
        let document: JSONValue
        do {
            document = try JSONParser.parse(found.schema)
        } catch {
            throw ConnectDataError("Schema \(id) is not valid JSON: \(error)")
        }
        let schema = try JsonSchemaToConnect(values: values).connectSchema(for: document)
        if schemasByID.count >= maximumCachedSchemas, let evicted = schemasByID.keys.first { schemasByID[evicted] = nil }
        schemasByID[id] = schema
        return schema
    }
}
