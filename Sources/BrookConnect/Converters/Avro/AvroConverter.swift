import BrookRegistryClient
import BrookSchemas

/// Connect data as Avro in the Schema Registry wire format (Confluent's
/// `io.confluent.connect.avro.AvroConverter`): schemas map as `AvroData` maps them, are registered
/// under the subject name strategy's subject (`auto.register.schemas`, default true) or taken from
/// the subject's latest version (`use.latest.version`), and are fetched by id when reading.
/// Schemaless values are refused (Confluent writes them with its "Anything" schema; Brook does not).
public actor AvroConverter: ConnectAsyncConverter {
    /// How the subject for a topic is named (Confluent's `*.subject.name.strategy`).
    public enum SubjectNameStrategy: String, Sendable, Hashable {
        case topicName = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
        case recordName = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
        case topicRecordName = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
    }

    public let isKey: Bool
    let settings: RegistryConverterSettings
    private let registry: any SchemaRegistryLookups
    private var registeredIDs: RegisteredSchemaIDs
    private var schemasByID: [Int32: SchemaPair] = [:]
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

    func subject(topic: String, schema: ConnectSchema) throws(ConnectDataError) -> String {
        let suffix = isKey ? "-key" : "-value"
        switch settings.strategy {
        case .topicName: return topic + suffix
        case .recordName, .topicRecordName:
            guard schema.type == .struct else {
                throw ConnectDataError("In configuration \(isKey ? "key" : "value").subject.name.strategy = \(settings.strategy.rawValue), the message must only be an Avro record schema")
            }
            let recordName = schema.name ?? ConnectAvroNames.defaultSchemaFullName
            return settings.strategy == .recordName ? recordName : topic + "-" + recordName
        }
    }

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) async throws -> [UInt8]? {
        // A null value is a tombstone whatever its schema, as Confluent's serializer writes it.
        if value == .null { return nil }
        guard let schema else {
            throw ConnectDataError("Brook's AvroConverter needs a schema: a schemaless \(value.javaClassDescription) has no Avro form here")
        }
        let json = try ConnectToAvroSchema.avroJSON(for: schema)
        let avro: AvroSchema
        do {
            avro = try AvroSchema.parse(json.compactText)
        } catch {
            throw ConnectDataError("Failed to serialize Avro data from topic \(topic): the Connect schema has no valid Avro form: \(error.message)")
        }
        let id = try await schemaID(for: avro, subject: subject(topic: topic, schema: schema))
        let datum = try ConnectAvroValues.avro(value, schema: schema)
        do {
            return SchemaWireFormat.frame(schemaId: id, payload: try avro.encode(datum))
        } catch {
            throw ConnectDataError("Failed to serialize Avro data from topic \(topic): \(error.message)")
        }
    }

    private func schemaID(for avro: AvroSchema, subject: String) async throws -> Int32 {
        let text = avro.canonicalString
        if let known = registeredIDs.id(of: text, subject: subject) { return known }
        let id = try await settings.resolveID(of: text, type: .avro, subject: subject, registry: registry, form: "Avro",
                                              isSame: { (try? AvroSchema.parse($0, validateDefaults: false))?.canonicalString == text })
        registeredIDs.remember(id, of: text, subject: subject)
        return id
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) async throws -> ConnectSchemaAndValue {
        guard let bytes else { return .null }
        guard let (id, payload) = SchemaWireFormat.parse(bytes) else {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to Avro: Unknown magic byte!")
        }
        let pair = try await schemas(id: id)
        let (avro, connect) = (pair.avro, pair.connect)
        let datum: AvroValue
        do {
            datum = try avro.decode(Array(payload))
        } catch {
            throw ConnectDataError("Failed to deserialize data for topic \(topic) to Avro: \(error.message)")
        }
        return ConnectSchemaAndValue(schema: connect, value: try ConnectAvroValues.connect(datum, type: avro.root, in: avro, schema: connect))
    }

    /// A registered schema and its Connect form.
    private final class SchemaPair: Sendable {
        let avro: AvroSchema
        let connect: ConnectSchema

        init(id: Int32, parsed: any ParsedSchema) throws {
            guard let avro = parsed as? AvroSchema else { throw ConnectDataError("Schema \(id) is not an Avro schema") }
            self.avro = avro
            self.connect = try AvroToConnectSchema.connectSchema(for: avro)
        }
    }

    // Not optimized: the Swift 6.3 compiler crashed splitting this coroutine in release builds
    // (LLVM CoroSplit, emitSetAndGetSwiftErrorValueAround); it runs once per schema id.
    @_optimize(none)
    private static func fetch(id: Int32, from registry: any SchemaRegistryLookups) async throws -> SchemaPair {
        let found = try await registry.schema(id: id)
        if found.type != .avro { throw ConnectDataError("Schema \(id) is \(found.type.rawValue), not AVRO") }
        let parsed = try await SchemaReferenceResolver.parse(found.schema, type: .avro, references: found.references, using: registry)
        return try SchemaPair(id: id, parsed: parsed)
    }

    private func schemas(id: Int32) async throws -> SchemaPair {
        if let known = schemasByID[id] { return known }
        let entry = try await Self.fetch(id: id, from: registry)
        if schemasByID.count >= maximumCachedSchemas, let evicted = schemasByID.keys.first { schemasByID[evicted] = nil }
        schemasByID[id] = entry
        return entry
    }
}
