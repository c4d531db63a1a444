/// A STRUCT value (Kafka's `Struct`): its schema and one value per field, each validated on `put`.
public struct ConnectStruct: Sendable, Hashable, CustomStringConvertible {
    public let schema: ConnectSchema
    private var values: [ConnectValue]

    /// An empty struct of a STRUCT schema (every field null).
    public init(schema: ConnectSchema) throws(ConnectDataError) {
        guard schema.type == .struct else { throw ConnectDataError("Not a struct schema: \(schema)") }
        self.schema = schema
        self.values = Array(repeating: .null, count: schema.fields.count)
    }

    /// Sets field `name`, validating the value against the field's schema (Struct.put).
    public mutating func put(_ fieldName: String, _ value: ConnectValue) throws(ConnectDataError) {
        guard let field = schema.field(named: fieldName) else {
            throw ConnectDataError("\(fieldName) is not a valid field name")
        }
        try ConnectSchemaValidation.validate(value, against: field.schema, field: field.name)
        values[field.index] = value
    }

    /// A builder-style copy with field `name` set.
    public func putting(_ fieldName: String, _ value: ConnectValue) throws(ConnectDataError) -> ConnectStruct {
        var copy = self
        try copy.put(fieldName, value)
        return copy
    }

    /// The field's value, or its schema's default when the value is null (Struct.get).
    public func get(_ fieldName: String) throws(ConnectDataError) -> ConnectValue {
        guard let field = schema.field(named: fieldName) else {
            throw ConnectDataError("\(fieldName) is not a valid field name")
        }
        let value = values[field.index]
        if value == .null, let fallback = field.schema.defaultValue { return fallback }
        return value
    }

    /// The field's stored value without the default (Struct.getWithoutDefault).
    public func getWithoutDefault(_ fieldName: String) throws(ConnectDataError) -> ConnectValue {
        guard let field = schema.field(named: fieldName) else {
            throw ConnectDataError("\(fieldName) is not a valid field name")
        }
        return values[field.index]
    }

    /// Checks every field holds a value its schema accepts (Struct.validate): a null passes when the
    /// field is optional or has a default.
    public func validate() throws(ConnectDataError) {
        for field in schema.fields {
            let value = values[field.index]
            if value == .null && (field.schema.isOptional || field.schema.defaultValue != nil) { continue }
            try ConnectSchemaValidation.validate(value, against: field.schema, field: field.name)
        }
    }

    /// Kafka's `Struct.toString()`: non-null fields as `name=value`.
    public var description: String {
        var parts: [String] = []
        for field in schema.fields where values[field.index] != .null {
            parts.append(field.name + "=" + JavaText.string(of: values[field.index]))
        }
        return "Struct{" + parts.joined(separator: ",") + "}"
    }
}
