import BrookSchemas

/// Reads Schema Registry–framed keys or values of any schema type into JSON, fetching each schema
/// by id once (Confluent's deserializers).
public actor SchemaRegistryDeserializer {
    /// A decoded key or value.
    public struct Decoded: Sendable {
        public var schemaId: Int32
        public var schemaType: SchemaType
        public var json: JSONValue
    }

    private let registry: any SchemaRegistryLookups
    private let maximumCachedSchemas: Int
    private var schemas: [Int32: any ParsedSchema] = [:]

    /// At most `maximumCachedSchemas` parsed schemas are kept (a topic may name any number of ids).
    public init(registry: any SchemaRegistryLookups, maximumCachedSchemas: Int = 1000) {
        self.registry = registry
        self.maximumCachedSchemas = max(1, maximumCachedSchemas)
    }

    /// The JSON `bytes` hold; fails when they are not in the wire format, name an unknown id, or do
    /// not fit their schema. `expecting` refuses schemas of another type.
    public func deserialize(_ bytes: [UInt8], expecting: SchemaType? = nil) async throws -> Decoded {
        guard let (id, payload) = SchemaWireFormat.parse(bytes) else {
            throw SchemaPayloadError(bytes.first == 1
                ? "framed with a schema GUID (magic byte 1), which this client does not read"
                : "not in the Schema Registry wire format (no magic byte 0 and schema id)")
        }
        let schema = try await schema(id: id)
        if let expecting, schema.schemaType != expecting {
            throw SchemaPayloadError("schema \(id) is \(schema.schemaType.rawValue), not \(expecting.rawValue)")
        }
        return Decoded(schemaId: id, schemaType: schema.schemaType, json: try SchemaPayloadCodec.decode(payload, with: schema))
    }

    private func schema(id: Int32) async throws -> any ParsedSchema {
        if let known = schemas[id] { return known }
        let found = try await registry.schema(id: id)
        let parsed = try await SchemaReferenceResolver.parse(found.schema, type: found.type, references: found.references, using: registry)
        if schemas.count >= maximumCachedSchemas, let evicted = schemas.keys.first { schemas[evicted] = nil }
        schemas[id] = parsed
        return parsed
    }
}
