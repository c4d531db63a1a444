import BrookRegistryClient
import BrookSchemas

/// Connect data as Protobuf in the Schema Registry wire format (Confluent's
/// `io.confluent.connect.protobuf.ProtobufConverter` with `ProtobufData`'s defaults): a STRUCT schema
/// becomes a proto3 file registered under the subject name strategy's subject
/// (`auto.register.schemas`, default true) or matched against the subject's latest version
/// (`use.latest.version`); values are written as the root message after the magic byte, schema id and
/// message indexes. Reading maps any registered message to Connect as `ProtobufToConnect` describes.
/// Primitive roots travel in `google.protobuf.*Value` wrappers (`ProtobufWrappers`); schemaless
/// values and ARRAY/MAP/logical roots are refused, as Confluent refuses them.
public actor ProtobufConverter: ConnectAsyncConverter {
    public let isKey: Bool
    let settings: RegistryConverterSettings
    private let registry: any SchemaRegistryLookups
    private var registeredIDs: RegisteredSchemaIDs
    private var schemasByID: [Int32: ProtobufSchema] = [:]
    /// Connect schemas of the messages read so far, by schema id and message full name.
    private var connectSchemas: [String: ConnectSchema] = [:]
    private var maximumCachedSchemas: Int { settings.maximumCachedSchemas }

    /// `configuration` is the converter's own properties (`schema.registry.url` is used by whoever
    /// builds `registry`).
    public init(configuration: [String: String], isKey: Bool, registry: any SchemaRegistryLookups) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(configuration)
        self.isKey = isKey
        self.registry = registry
        settings = try RegistryConverterSettings(reader, isKey: isKey)
        registeredIDs = RegisteredSchemaIDs(capacity: settings.maximumCachedSchemas)
    }

    func subject(topic: String, messageFullName: String) -> String {
        switch settings.strategy {
        case .topicName: return topic + (isKey ? "-key" : "-value")
        case .recordName: return messageFullName
        case .topicRecordName: return topic + "-" + messageFullName
        }
    }

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) async throws -> [UInt8]? {
        if value == .null { return nil }
        guard let schema else {
            throw ConnectDataError("Brook's ProtobufConverter needs a schema: a schemaless \(value.javaClassDescription) has no Protobuf form here")
        }
        let (text, messageFullName) = try ProtobufWrappers.messageName(for: schema).map { (ProtobufWrappers.fileText, $0) }
            ?? ConnectToProtobufSchema.proto(for: schema)
        let proto: ProtobufSchema
        do {
            proto = try ProtobufSchema(text: text)
        } catch {
            throw ConnectDataError("Converting Kafka Connect data to byte[] failed due to serialization error of topic \(topic): \(error.message)")
        }
        let id = try await schemaID(for: proto, subject: subject(topic: topic, messageFullName: messageFullName))
        // A wrapper message's proto3 JSON form is its bare value.
        let json = try ConnectProtobufValues.json(value, schema: schema) ?? .object([])
        do {
            return SchemaWireFormat.frame(schemaId: id, payload: try proto.encodeConfluentPayload(json, messageFullName: messageFullName))
        } catch {
            throw ConnectDataError("Converting Kafka Connect data to byte[] failed due to serialization error of topic \(topic): \(error)")
        }
    }

    private func schemaID(for proto: ProtobufSchema, subject: String) async throws -> Int32 {
        let text = proto.canonicalString
        if let known = registeredIDs.id(of: text, subject: subject) { return known }
        let id = try await settings.resolveID(of: text, type: .protobuf, subject: subject, registry: registry, form: "Protobuf",
                                              isSame: { (try? ProtobufSchema(text: $0))?.canonicalString == text })
        registeredIDs.remember(id, of: text, subject: subject)
        return id
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) async throws -> ConnectSchemaAndValue {
        guard let bytes else { return .null }
        guard let (id, payload) = SchemaWireFormat.parse(bytes) else {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to Protobuf: Unknown magic byte!")
        }
        let proto = try await protobufSchema(id: id)
        let decoded: (messageFullName: String, json: JSONValue)
        do {
            decoded = try proto.decodeConfluentPayload(Array(payload))
        } catch {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to Protobuf: \(error)")
        }
        if let primitive = ProtobufWrappers.unwrappedSchema(message: decoded.messageFullName) {
            // The proto3 JSON mapping writes a wrapper as its bare value; accept the object form too.
            let inner = decoded.json.objectMembers != nil ? decoded.json["value"] : decoded.json
            return ConnectSchemaAndValue(schema: primitive, value: try ConnectProtobufValues.connect(inner, schema: primitive))
        }
        let key = String(id) + "/" + decoded.messageFullName
        let schema: ConnectSchema
        if let known = connectSchemas[key] {
            schema = known
        } else {
            schema = try ProtobufToConnect(view: ProtobufDescriptorView(proto)).connectSchema(message: decoded.messageFullName)
            if connectSchemas.count >= maximumCachedSchemas, let evicted = connectSchemas.keys.first { connectSchemas[evicted] = nil }
            connectSchemas[key] = schema
        }
        return ConnectSchemaAndValue(schema: schema, value: try ConnectProtobufValues.connect(decoded.json, schema: schema))
    }

    // Not optimized: the Swift 6.3 compiler crashes splitting this coroutine in release builds
    // (LLVM CoroSplit, emitSetAndGetSwiftErrorValueAround; see AvroConverter.fetch); once per id.
    @_optimize(none)
    private func protobufSchema(id: Int32) async throws -> ProtobufSchema {
        if let known = schemasByID[id] { return known }
        let found = try await registry.schema(id: id)
        guard found.type == .protobuf else { throw ConnectDataError("Schema \(id) is \(found.type.rawValue), not PROTOBUF") }
        let parsed = try await SchemaReferenceResolver.parse(found.schema, type: .protobuf, references: found.references, using: registry)
        guard let proto = parsed as? ProtobufSchema else { throw ConnectDataError("Schema \(id) is not a Protobuf schema") }
        if schemasByID.count >= maximumCachedSchemas, let evicted = schemasByID.keys.first { schemasByID[evicted] = nil }
        schemasByID[id] = proto
        return proto
    }
}
