import BrookSchemas

/// Turns JSON values into Schema Registry–framed keys or values for one subject, as Confluent's
/// serializers do: magic byte 0, the schema's global id, then the payload of its type.
///
/// ```swift
/// let serializer = SchemaRegistrySerializer(registry: client, subject: "orders-value",
///                                           source: .schema(avroText, type: .avro))
/// let value = try await serializer.serialize(try JSONParser.parse(#"{"id": 1}"#))
/// ```
public actor SchemaRegistrySerializer {
    /// Which schema the serializer writes with.
    public enum Source: Sendable {
        /// This schema text, registered under the subject on first use (Confluent's `auto.register.schemas`).
        case schema(String, type: SchemaType, references: [SchemaReference] = [])
        /// The schema already registered with this global id.
        case id(Int32)
        /// A registered version of the subject: a number or `latest` (`use.latest.version`).
        case version(String)
    }

    private let registry: any SchemaRegistryLookups
    public let subject: String
    private let source: Source
    private let protobufMessage: String?
    private var prepared: (id: Int32, schema: any ParsedSchema)?

    /// `protobufMessage`: the Protobuf message to write (default: the schema's first message).
    public init(registry: any SchemaRegistryLookups, subject: String, source: Source, protobufMessage: String? = nil) {
        self.registry = registry
        self.subject = subject
        self.source = source
        self.protobufMessage = protobufMessage
    }

    /// The framed bytes of `json`; fails when it does not fit the schema.
    public func serialize(_ json: JSONValue) async throws -> [UInt8] {
        let (id, schema) = try await prepare()
        return SchemaWireFormat.frame(schemaId: id, payload: try SchemaPayloadCodec.encode(json, with: schema, protobufMessage: protobufMessage))
    }

    /// The global id values are written with (registering the schema if the source says so).
    public func schemaId() async throws -> Int32 { try await prepare().id }

    private func prepare() async throws -> (id: Int32, schema: any ParsedSchema) {
        if let prepared { return prepared }
        let result: (id: Int32, schema: any ParsedSchema)
        switch source {
        case let .schema(text, type, references):
            // Parsed before registering so a bad schema fails here with the parser's message.
            let parsed = try await SchemaReferenceResolver.parse(text, type: type, references: references, using: registry)
            let id = try await registry.register(subject: subject, schema: text, type: type, references: references, normalize: false)
            result = (id, parsed)
        case .id(let id):
            let found = try await registry.schema(id: id)
            result = (id, try await SchemaReferenceResolver.parse(found.schema, type: found.type, references: found.references, using: registry))
        case .version(let version):
            let found = try await registry.version(subject: subject, version: version, deleted: false)
            result = (found.id, try await SchemaReferenceResolver.parse(found.schema, type: found.schemaType,
                                                                        references: found.references, using: registry))
        }
        prepared = result
        return result
    }
}
