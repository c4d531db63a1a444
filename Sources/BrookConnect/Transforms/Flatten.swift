/// Flattens nested structs or maps into one level, joining names with `delimiter` (default ".")
/// (Kafka's `Flatten$Key` / `$Value`); arrays are kept as they are.
public struct Flatten: ConnectTransformation {
    static let purpose = "flattening"
    public let part: ConnectRecordPart
    let delimiter: String

    public init(part: ConnectRecordPart, config: ConnectConfigReader) {
        self.part = part
        delimiter = config.string("delimiter") ?? "."
    }

    private func name(_ prefix: String, _ field: String) -> String {
        prefix.isEmpty ? field : prefix + delimiter + field
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        if value == .null { return record }
        guard let schema = record.schema(of: part) else {
            var flat: [ConnectMapEntry] = []
            try flatten(map: TransformSupport.requireMap(value, purpose: Self.purpose), prefix: "", into: &flat)
            return record.replacing(part, schema: nil, value: .map(flat))
        }
        let original = try TransformSupport.requireStruct(value, purpose: Self.purpose)
        var updatedSchema = TransformSupport.copySchemaBasics(schema, as: .struct)
        try flatten(schema: schema, prefix: "", optional: schema.isOptional, parentDefault: schema.defaultValue?.structValue, into: &updatedSchema)
        var updated = try ConnectStruct(schema: updatedSchema)
        try flatten(value: original, prefix: "", into: &updated)
        return record.replacing(part, schema: updatedSchema, value: .struct(updated))
    }

    private func flatten(map: [ConnectMapEntry], prefix: String, into flat: inout [ConnectMapEntry]) throws(ConnectDataError) {
        for entry in map {
            let key = entry.key.stringValue ?? JavaText.string(of: entry.key)
            let fieldName = name(prefix, key)
            guard let type = entry.value.inferredType else {
                if entry.value == .null { flat.put(fieldName, .null); continue }
                throw ConnectDataError("Flatten transformation was passed a value of type \(entry.value.javaClassDescription) which is not supported by Connect's data API")
            }
            switch type {
            case .map:
                try flatten(map: TransformSupport.requireMap(entry.value, purpose: Self.purpose), prefix: fieldName, into: &flat)
            case .struct:
                throw ConnectDataError("Flatten transformation does not support \(entry.value.javaClassDescription) for record without schemas (for field \(fieldName)).")
            default:
                flat.put(fieldName, entry.value)
            }
        }
    }

    private func flatten(schema: ConnectSchema, prefix: String, optional: Bool, parentDefault: ConnectStruct?,
                         into builder: inout ConnectSchema) throws(ConnectDataError) {
        for field in schema.fields {
            let fieldName = name(prefix, field.name)
            let fieldOptional = optional || field.schema.isOptional
            var fieldDefault = field.schema.defaultValue
            if fieldDefault == nil, let parentDefault { fieldDefault = try parentDefault.get(field.name) }
            switch field.schema.type {
            case .struct:
                try flatten(schema: field.schema, prefix: fieldName, optional: fieldOptional, parentDefault: fieldDefault?.structValue, into: &builder)
            case .map:
                throw ConnectDataError("Flatten transformation does not support \(field.schema.type) for record with schemas (for field \(fieldName)).")
            default:
                var converted = TransformSupport.copySchemaBasics(field.schema, as: field.schema.type)
                if fieldOptional { converted.isOptional = true }
                if let fieldDefault, fieldDefault != .null { converted = try converted.withDefault(fieldDefault) }
                try builder.addField(fieldName, converted)
            }
        }
    }

    private func flatten(value: ConnectStruct, prefix: String, into updated: inout ConnectStruct) throws(ConnectDataError) {
        for field in value.schema.fields {
            let fieldName = name(prefix, field.name)
            if field.schema.type == .struct {
                if case let .struct(nested) = try value.get(field.name) { try flatten(value: nested, prefix: fieldName, into: &updated) }
            } else {
                try updated.put(fieldName, value.get(field.name))
            }
        }
    }
}
