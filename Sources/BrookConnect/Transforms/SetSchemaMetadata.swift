/// Sets the name and/or version of the key or value schema (Kafka's `SetSchemaMetadata$Key` /
/// `$Value`): `schema.name`, `schema.version`, `replace.null.with.default`; a struct value is rebuilt
/// under the renamed schema.
public struct SetSchemaMetadata: ConnectTransformation {
    public let part: ConnectRecordPart
    let schemaName: String?
    let schemaVersion: Int32?
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        schemaName = config.string("schema.name")
        schemaVersion = config.string("schema.version") == nil ? nil : try config.int("schema.version", default: 0)
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
        if schemaName == nil && schemaVersion == nil {
            throw config.general("Neither schema name nor version configured")
        }
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        let schema = record.schema(of: part)
        if value == .null && schema == nil { return record }
        var updatedSchema = try TransformSupport.requireSchema(schema, purpose: "updating schema metadata")
        if let schemaName { updatedSchema.name = schemaName }
        if let schemaVersion { updatedSchema.version = schemaVersion }
        guard case let .struct(original) = value else {
            return record.replacing(part, schema: updatedSchema, value: value)
        }
        var updated = try ConnectStruct(schema: updatedSchema)
        for field in updatedSchema.fields {
            try updated.put(field.name, TransformSupport.fieldValue(original, field.name, replaceNullWithDefault: replaceNullWithDefault))
        }
        return record.replacing(part, schema: updatedSchema, value: .struct(updated))
    }
}
