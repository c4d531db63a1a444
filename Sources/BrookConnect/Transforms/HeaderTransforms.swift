/// Drops every record; meant to run under a predicate (Kafka's `Filter`).
public struct Filter: ConnectTransformation {
    public init(config: ConnectConfigReader = ConnectConfigReader([:])) {}

    public func apply(_ record: ConnectRecord) -> ConnectRecord? { nil }
}

/// Adds a header with a literal value whose type is inferred as Connect's `Values.parseString` does
/// (booleans, the narrowest integer type, FLOAT32 for other numbers, else STRING) (Kafka's `InsertHeader`):
/// `header`, `value.literal`.
public struct InsertHeader: ConnectTransformation {
    let header: String
    let literal: ConnectSchemaAndValue

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        header = try config.requiredString("header")
        literal = ConnectValues.parseString(try config.requiredString("value.literal"))
    }

    public func apply(_ record: ConnectRecord) -> ConnectRecord? {
        var copy = record
        copy.headers.append(ConnectHeader(key: header, schema: literal.schema, value: literal.value))
        return copy
    }
}

/// Removes every header with one of the listed names (Kafka's `DropHeaders`): `headers`.
public struct DropHeaders: ConnectTransformation {
    let names: Set<String>

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        names = Set(try config.nonEmptyList("headers"))
    }

    public func apply(_ record: ConnectRecord) -> ConnectRecord? {
        var copy = record
        copy.headers.removeAll { names.contains($0.key) }
        return copy
    }
}

/// Copies or moves fields of the key or value into headers (Kafka's `HeaderFrom$Key` / `$Value`):
/// `fields`, `headers` (same length), `operation` move|copy, `replace.null.with.default`.
public struct HeaderFrom: ConnectTransformation {
    public let part: ConnectRecordPart
    let fields: [String]
    let headers: [String]
    let move: Bool
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        fields = try config.nonEmptyList("fields")
        headers = try config.nonEmptyList("headers")
        _ = try config.requiredString("operation")
        move = try config.choice("operation", default: "", allowed: ["move", "copy"]) == "move"
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
        if headers.count != fields.count {
            throw config.general("'fields' config must have the same number of elements as 'headers' config.")
        }
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        let purpose = "header " + (move ? "move" : "copy")
        var copy = record
        guard let schema = record.schema(of: part) else {
            let original = try TransformSupport.requireMap(value, purpose: purpose)
            var updated = original
            for (field, header) in zip(fields, headers) {
                if move { updated.remove(field) }
                copy.headers.append(ConnectHeader(key: header, schema: nil, value: original.value(forKey: field)))
            }
            return copy.replacing(part, schema: nil, value: .map(updated))
        }
        let original = try TransformSupport.requireStruct(value, purpose: purpose)
        var updatedSchema = schema
        var updatedValue = original
        if move {
            updatedSchema = TransformSupport.copySchemaBasics(schema, as: .struct)
            for field in schema.fields where !fields.contains(field.name) { try updatedSchema.addField(field.name, field.schema) }
            updatedValue = try ConnectStruct(schema: updatedSchema)
            for field in updatedSchema.fields {
                try updatedValue.put(field.name, TransformSupport.fieldValue(original, field.name, replaceNullWithDefault: replaceNullWithDefault))
            }
        }
        for (field, header) in zip(fields, headers) {
            guard let source = schema.field(named: field) else {
                // Kafka dereferences the missing field's schema and fails with a NullPointerException.
                throw ConnectDataError("Field does not exist: \(field)")
            }
            let fieldValue = try TransformSupport.fieldValue(original, field, replaceNullWithDefault: replaceNullWithDefault)
            copy.headers.append(ConnectHeader(key: header, schema: source.schema, value: fieldValue))
        }
        return copy.replacing(part, schema: updatedSchema, value: .struct(updatedValue))
    }
}
