/// A Connect schema (Kafka's `ConnectSchema`, built like `SchemaBuilder`): a type plus optional flag,
/// default value, name, version, doc and ordered string parameters; STRUCT has fields, ARRAY a value
/// schema, MAP a key and a value schema. Logical types are named schemas (see `ConnectLogicalType`).
public struct ConnectSchema: Sendable, Hashable, CustomStringConvertible {
    /// One schema parameter; parameters keep their insertion order because converters write them so.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var type: ConnectSchemaType
    public var isOptional: Bool
    public var defaultValue: ConnectValue?
    public var name: String?
    public var version: Int32?
    public var doc: String?
    /// nil when no parameter was ever set (Kafka distinguishes this from an empty map on the wire).
    public var parameters: [Parameter]?
    /// STRUCT fields in order; empty for other types.
    public private(set) var fields: [ConnectField]
    /// Field name → position, so struct access stays O(1) for wide rows.
    private var fieldPositions: [String: Int]
    /// ARRAY: [value schema]; MAP: [key schema, value schema]. An array keeps the type recursive.
    private var elementSchemas: [ConnectSchema]

    public init(type: ConnectSchemaType, optional: Bool = false, defaultValue: ConnectValue? = nil,
                name: String? = nil, version: Int32? = nil, doc: String? = nil, parameters: [Parameter]? = nil) {
        self.type = type
        self.isOptional = optional
        self.defaultValue = defaultValue
        self.name = name
        self.version = version
        self.doc = doc
        self.parameters = parameters
        self.fields = []
        self.fieldPositions = [:]
        self.elementSchemas = []
    }

    /// An ARRAY schema of `valueSchema`.
    public static func array(_ valueSchema: ConnectSchema) -> ConnectSchema {
        var schema = ConnectSchema(type: .array)
        schema.elementSchemas = [valueSchema]
        return schema
    }

    /// A MAP schema from `keySchema` to `valueSchema`.
    public static func map(_ keySchema: ConnectSchema, _ valueSchema: ConnectSchema) -> ConnectSchema {
        var schema = ConnectSchema(type: .map)
        schema.elementSchemas = [keySchema, valueSchema]
        return schema
    }

    /// A STRUCT schema with `fields` (name, schema) in order; field names must be unique.
    public static func `struct`(name: String? = nil, _ fields: [(String, ConnectSchema)]) throws(ConnectDataError) -> ConnectSchema {
        var schema = ConnectSchema(type: .struct, name: name)
        for (fieldName, fieldSchema) in fields {
            try schema.addField(fieldName, fieldSchema)
        }
        return schema
    }

    /// Appends a field (SchemaBuilder.field); Kafka's messages for a non-struct or duplicate name.
    public mutating func addField(_ fieldName: String, _ fieldSchema: ConnectSchema) throws(ConnectDataError) {
        guard type == .struct else { throw ConnectDataError("Cannot create fields on type \(type)") }
        guard field(named: fieldName) == nil else {
            throw ConnectDataError("Cannot create field because of field name duplication \(fieldName)")
        }
        fieldPositions[fieldName] = fields.count
        fields.append(ConnectField(name: fieldName, index: fields.count, schema: fieldSchema))
    }

    public var keySchema: ConnectSchema? { type == .map ? elementSchemas.first : nil }
    public var valueSchema: ConnectSchema? {
        switch type {
        case .array: elementSchemas.first
        case .map: elementSchemas.count > 1 ? elementSchemas[1] : nil
        default: nil
        }
    }

    public func field(named fieldName: String) -> ConnectField? {
        fieldPositions[fieldName].map { fields[$0] }
    }

    /// The value of parameter `name`, if set.
    public func parameter(_ parameterName: String) -> String? {
        parameters?.first { $0.name == parameterName }?.value
    }

    /// Sets (or replaces) a parameter, keeping the first position of an existing one.
    public mutating func setParameter(_ parameterName: String, _ value: String) {
        var list = parameters ?? []
        if let i = list.firstIndex(where: { $0.name == parameterName }) {
            list[i].value = value
        } else {
            list.append(Parameter(parameterName, value))
        }
        parameters = list
    }

    // Builder-style copies, so schemas read like Kafka's SchemaBuilder chains.
    public func optional() -> ConnectSchema { var s = self; s.isOptional = true; return s }
    public func required() -> ConnectSchema { var s = self; s.isOptional = false; return s }
    public func named(_ newName: String?) -> ConnectSchema { var s = self; s.name = newName; return s }
    public func versioned(_ newVersion: Int32?) -> ConnectSchema { var s = self; s.version = newVersion; return s }
    public func documented(_ newDoc: String?) -> ConnectSchema { var s = self; s.doc = newDoc; return s }
    public func withParameter(_ parameterName: String, _ value: String) -> ConnectSchema {
        var s = self
        s.setParameter(parameterName, value)
        return s
    }

    /// A copy with `value` as default, validated against the schema first (SchemaBuilder.defaultValue).
    public func withDefault(_ value: ConnectValue?) throws(ConnectDataError) -> ConnectSchema {
        if let value, value != .null {
            do {
                try validateValue(value)
            } catch {
                throw ConnectDataError("Invalid default value")
            }
        }
        var s = self
        s.defaultValue = value == .null ? nil : value
        return s
    }

    /// Kafka's `ConnectSchema.toString()`.
    public var description: String {
        if let name { return "Schema{\(name):\(type)}" }
        return "Schema{\(type)}"
    }

    // The predefined schemas of Kafka's `Schema` interface.
    public static let int8 = ConnectSchema(type: .int8)
    public static let int16 = ConnectSchema(type: .int16)
    public static let int32 = ConnectSchema(type: .int32)
    public static let int64 = ConnectSchema(type: .int64)
    public static let float32 = ConnectSchema(type: .float32)
    public static let float64 = ConnectSchema(type: .float64)
    public static let boolean = ConnectSchema(type: .boolean)
    public static let string = ConnectSchema(type: .string)
    public static let bytes = ConnectSchema(type: .bytes)
    public static let optionalInt8 = ConnectSchema(type: .int8, optional: true)
    public static let optionalInt16 = ConnectSchema(type: .int16, optional: true)
    public static let optionalInt32 = ConnectSchema(type: .int32, optional: true)
    public static let optionalInt64 = ConnectSchema(type: .int64, optional: true)
    public static let optionalFloat32 = ConnectSchema(type: .float32, optional: true)
    public static let optionalFloat64 = ConnectSchema(type: .float64, optional: true)
    public static let optionalBoolean = ConnectSchema(type: .boolean, optional: true)
    public static let optionalString = ConnectSchema(type: .string, optional: true)
    public static let optionalBytes = ConnectSchema(type: .bytes, optional: true)

    /// The plain schema of `type` (SchemaBuilder.type(type)) for primitive types.
    public static func primitive(_ type: ConnectSchemaType, optional: Bool = false) -> ConnectSchema {
        ConnectSchema(type: type, optional: optional)
    }
}

/// A STRUCT field: its name, position and schema (Kafka's `Field`).
public struct ConnectField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var index: Int
    public var schema: ConnectSchema

    public init(name: String, index: Int, schema: ConnectSchema) {
        self.name = name
        self.index = index
        self.schema = schema
    }

    public var description: String { "Field{name=\(name), index=\(index), schema=\(schema)}" }
}
