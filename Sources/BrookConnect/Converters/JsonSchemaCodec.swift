import BrookSchemas

/// The JSON form of Connect schemas inside JsonConverter's envelope (Kafka's `JsonConverter.asJsonSchema`
/// and `asConnectSchema`): `{"type":…,[items|keys,values|fields],"optional":…,"name","version","doc","parameters","default"}`.
struct JsonSchemaCodec {
    let config: JsonConverterConfig

    private static let typeNames: [(ConnectSchemaType, String)] = [
        (.boolean, "boolean"), (.int8, "int8"), (.int16, "int16"), (.int32, "int32"), (.int64, "int64"),
        (.float32, "float"), (.float64, "double"), (.bytes, "bytes"), (.string, "string"),
        (.array, "array"), (.map, "map"), (.struct, "struct"),
    ]

    func jsonSchema(_ schema: ConnectSchema) throws(ConnectDataError) -> JSONValue {
        let typeName = Self.typeNames.first { $0.0 == schema.type }!.1
        var members: [(String, JSONValue)] = [("type", .string(typeName))]
        switch schema.type {
        case .array:
            members.append(("items", try schema.valueSchema.map { (s) throws(ConnectDataError) in try jsonSchema(s) } ?? .null))
        case .map:
            members.append(("keys", try schema.keySchema.map { (s) throws(ConnectDataError) in try jsonSchema(s) } ?? .null))
            members.append(("values", try schema.valueSchema.map { (s) throws(ConnectDataError) in try jsonSchema(s) } ?? .null))
        case .struct:
            var fields: [JSONValue] = []
            for field in schema.fields {
                guard case var .object(fieldMembers) = try jsonSchema(field.schema) else { continue }
                fieldMembers.append(("field", .string(field.name)))
                fields.append(.object(fieldMembers))
            }
            members.append(("fields", .array(fields)))
        default:
            break
        }
        members.append(("optional", .bool(schema.isOptional)))
        if let name = schema.name { members.append(("name", .string(name))) }
        if let version = schema.version { members.append(("version", JSONValue(integer: Int64(version)))) }
        if let doc = schema.doc { members.append(("doc", .string(doc))) }
        if let parameters = schema.parameters {
            members.append(("parameters", .object(parameters.map { ($0.name, .string($0.value)) })))
        }
        if let defaultValue = schema.defaultValue {
            members.append(("default", try JsonValueWriter(config: config).json(schema: schema, value: defaultValue) ?? .null))
        }
        return .object(members)
    }

    /// The Connect schema of a JSON schema node; nil for JSON null (schemaless).
    func connectSchema(_ json: JSONValue) throws(ConnectDataError) -> ConnectSchema? {
        if json == .null { return nil }
        guard let typeName = json["type"]?.stringValue else { throw ConnectDataError("Schema must contain 'type' field") }
        var schema: ConnectSchema
        switch typeName {
        case "array":
            guard let items = json["items"], items != .null else {
                throw ConnectDataError("Array schema did not specify the element type")
            }
            schema = .array(try connectSchema(items)!)
        case "map":
            guard let keys = json["keys"] else { throw ConnectDataError("Map schema did not specify the key type") }
            guard let values = json["values"] else { throw ConnectDataError("Map schema did not specify the value type") }
            guard let keySchema = try connectSchema(keys) else { throw ConnectDataError("keySchema cannot be null.") }
            guard let valueSchema = try connectSchema(values) else { throw ConnectDataError("valueSchema cannot be null.") }
            schema = .map(keySchema, valueSchema)
        case "struct":
            schema = ConnectSchema(type: .struct)
            guard let fields = json["fields"]?.arrayValue else {
                throw ConnectDataError("Struct schema's \"fields\" argument is not an array.")
            }
            for field in fields {
                guard let fieldName = field["field"]?.stringValue else {
                    throw ConnectDataError("Struct schema's field name not specified properly")
                }
                guard let fieldSchema = try connectSchema(field) else {
                    throw ConnectDataError("fieldSchema for field \(fieldName) cannot be null.")
                }
                try schema.addField(fieldName, fieldSchema)
            }
        default:
            guard let type = Self.typeNames.first(where: { $0.1 == typeName })?.0 else {
                throw ConnectDataError("Unknown schema type: \(typeName)")
            }
            schema = ConnectSchema(type: type)
        }
        schema.isOptional = json["optional"]?.boolValue == true
        if let name = json["name"]?.stringValue { schema.name = name }
        if let version = json["version"], version.isIntegerLiteral, let v = version.int64Value {
            schema.version = Int32(truncatingIfNeeded: v)
        }
        if let doc = json["doc"]?.stringValue { schema.doc = doc }
        if let parameters = json["parameters"]?.objectMembers {
            var list: [ConnectSchema.Parameter] = []
            for (name, value) in parameters {
                guard let text = value.stringValue else { throw ConnectDataError("Schema parameters must have string values.") }
                list.append(.init(name, text))
            }
            schema.parameters = list
        }
        if let defaultJSON = json["default"] {
            let value = try JsonValueReader(config: config).value(schema: schema, json: defaultJSON)
            schema = try schema.withDefault(value)
        }
        return schema
    }
}
