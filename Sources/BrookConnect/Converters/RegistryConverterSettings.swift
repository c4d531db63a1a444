import BrookRegistryClient
import BrookSchemas

/// What Confluent's three registry converters share (AbstractKafkaSchemaSerDeConfig):
/// `auto.register.schemas`, `use.latest.version`, `schemas.cache.size` and the key's or value's
/// `*.subject.name.strategy`, and how the schema a record was converted to gets its id.
struct RegistryConverterSettings: Sendable {
    let isKey: Bool
    let autoRegister: Bool
    let useLatestVersion: Bool
    let maximumCachedSchemas: Int
    let strategy: AvroConverter.SubjectNameStrategy

    init(_ reader: ConnectConfigReader, isKey: Bool) throws(ConnectConfigError) {
        self.isKey = isKey
        autoRegister = try reader.bool("auto.register.schemas", default: true)
        useLatestVersion = try reader.bool("use.latest.version", default: false)
        maximumCachedSchemas = Int(max(1, try reader.int("schemas.cache.size", default: 1000)))
        let strategyKey = isKey ? "key.subject.name.strategy" : "value.subject.name.strategy"
        let strategyName = reader.string(strategyKey) ?? AvroConverter.SubjectNameStrategy.topicName.rawValue
        guard let strategy = AvroConverter.SubjectNameStrategy(rawValue: strategyName)
                ?? AvroConverter.SubjectNameStrategy(rawValue: "io.confluent.kafka.serializers.subject." + strategyName) else {
            throw .invalidValue(strategyKey, strategyName, "Class \(strategyName) could not be found.")
        }
        self.strategy = strategy
    }

    /// The id of `text` (a `type` schema derived from a record) under `subject`: registered when
    /// auto-registering, else the subject's latest version, which `isSame` must recognise as `text`
    /// (Brook writes only with the schema it derived). `form` names the type in the error.
    func resolveID(of text: String, type: SchemaType, subject: String, registry: any SchemaRegistryLookups,
                   form: String, isSame: @Sendable (String) -> Bool) async throws -> Int32 {
        if autoRegister && !useLatestVersion {
            return try await registry.register(subject: subject, schema: text, type: type, references: [], normalize: false)
        }
        let latest = try await registry.version(subject: subject, version: "latest", deleted: false)
        guard latest.schemaType == type, isSame(latest.schema) else {
            throw ConnectDataError("The latest schema of subject \(subject) is not the \(form) form of this record's Connect schema")
        }
        return latest.id
    }
}

/// Ids already resolved per (subject, schema text), bounded by `schemas.cache.size`.
struct RegisteredSchemaIDs: Sendable {
    private var ids: [String: Int32] = [:]
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func id(of text: String, subject: String) -> Int32? { ids[subject + "\u{0}" + text] }

    mutating func remember(_ id: Int32, of text: String, subject: String) {
        if ids.count >= capacity, let evicted = ids.keys.first { ids[evicted] = nil }
        ids[subject + "\u{0}" + text] = id
    }
}
