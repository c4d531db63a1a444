import BrookSchemas

/// The JSON shapes of Confluent's responses.
enum RegistryResponseBodies {
    static func error(_ error: RegistryError) -> JSONValue {
        .members([("error_code", .int(error.errorCode)), ("message", .string(error.message))])
    }

    /// `{"subject","version","id","schemaType"?,"references"?,"metadata"?,"ruleSet"?,"schema"}`;
    /// `schemaType` omitted for Avro as Confluent does.
    static func version(_ value: SchemaRecordValue) -> JSONValue {
        let schema = RegisteredSchema(value)
        return .members([
            ("subject", .string(value.subject)), ("version", .int(value.version)), ("id", .int(value.id)),
            ("schemaType", typeMember(schema.schemaType)), ("references", referencesMember(schema.references)),
            ("metadata", schema.metadata), ("ruleSet", schema.ruleSet), ("schema", .string(schema.schema)),
        ])
    }

    static func schema(_ schema: RegisteredSchema) -> JSONValue {
        .members([
            ("schemaType", typeMember(schema.schemaType)), ("references", referencesMember(schema.references)),
            ("metadata", schema.metadata), ("ruleSet", schema.ruleSet), ("schema", .string(schema.schema)),
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
