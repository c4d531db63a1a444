import BrookSchemas

/// The JSON shapes of Confluent's responses.
enum RegistryResponseBodies {
    static func error(_ error: RegistryError) -> JSONValue {
        .members([("error_code", .int(error.errorCode)), ("message", .string(error.message))])
    }

    /// `{"subject","version","id","guid","schemaType"?,"references"?,"metadata"?,"ruleSet"?,"schema"}`
    /// (Confluent 8's `Schema` entity); `schemaType` omitted for Avro as Confluent does. `text`
    /// replaces the stored text when a `format` was asked for; the GUID stays the stored schema's.
    static func version(_ value: SchemaRecordValue, guid: SchemaGUID?, text: String? = nil) -> JSONValue {
        let schema = RegisteredSchema(value)
        return .members([
            ("subject", .string(value.subject)), ("version", .int(value.version)), ("id", .int(value.id)),
            ("guid", guid.map { .string($0.description) }),
            ("schemaType", typeMember(schema.schemaType)), ("references", referencesMember(schema.references)),
            ("metadata", schema.metadata), ("ruleSet", schema.ruleSet), ("schema", .string(text ?? schema.schema)),
        ])
    }

    /// `GET /schemas/ids/{id}` and `/schemas/guids/{guid}` (Confluent's `SchemaString`).
    static func schema(_ schema: RegisteredSchema, guid: SchemaGUID?, text: String? = nil) -> JSONValue {
        .members([
            ("guid", guid.map { .string($0.description) }),
            ("schemaType", typeMember(schema.schemaType)), ("references", referencesMember(schema.references)),
            ("metadata", schema.metadata), ("ruleSet", schema.ruleSet), ("schema", .string(text ?? schema.schema)),
        ])
    }

    /// `POST /subjects/{s}/versions`: `{"id","version","guid"}`, and with `?format=` the registered
    /// schema too (Confluent 8's full `RegisterSchemaResponse`). Without a format the schema is left
    /// out on purpose: confluent-kafka-python caches a schema returned here as the id's schema, and
    /// its Protobuf deserializer then reads the stored .proto text where it expects the base64
    /// descriptor it registered; answering without it (as Confluent 7 did) makes it cache its own.
    static func registered(_ value: SchemaRecordValue, guid: SchemaGUID?, text: String? = nil) -> JSONValue {
        let identity: [(String, JSONValue?)] = [("id", .int(value.id)), ("version", .int(value.version)),
                                                ("guid", guid.map { .string($0.description) })]
        guard let text else { return .members(identity) }
        let schema = RegisteredSchema(value)
        return .members(identity + [
            ("schemaType", typeMember(schema.schemaType)), ("references", referencesMember(schema.references)),
            ("metadata", schema.metadata), ("ruleSet", schema.ruleSet), ("schema", .string(text)),
        ])
    }

    static func config(_ value: ConfigRecordValue) -> JSONValue {
        .members([("compatibilityLevel", value.compatibilityLevel.map { .string($0.rawValue) })]
            + (value.otherMembers.objectMembers ?? []).map { ($0.0, $0.1) })
    }

    static func mode(_ mode: RegistryMode) -> JSONValue { .members([("mode", .string(mode.rawValue))]) }

    private static func typeMember(_ type: SchemaType) -> JSONValue? {
        type == .avro ? nil : .string(type.rawValue)
    }

    private static func referencesMember(_ references: [SchemaReference]) -> JSONValue? {
        references.isEmpty ? nil : .array(references.map(\.json))
    }
}
