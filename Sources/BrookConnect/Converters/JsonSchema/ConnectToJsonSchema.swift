import BrookSchemas

/// Connect schema → JSON Schema document as Confluent's `JsonSchemaData.fromConnectSchema` builds it
/// (defaults: `object.additional.properties=true`, `decimal.format=BASE64`, no generalized sum types):
/// integers as `integer` and floats as `number` with `connect.type`, bytes as base64 strings, the schema
/// name as `title`, the doc as `description`, optional schemas as `oneOf` with `{"type":"null"}`, struct
/// fields numbered by `connect.index`, maps with string keys as objects and other maps as arrays of
/// `{key, value}` objects. Keys are written in a fixed order: the type's own keywords, `title`,
/// `description`, `default`, then the `connect.*` properties in the order Confluent's HashMap yields.
struct ConnectToJsonSchema {
    let values: ConnectJsonSchemaValues

    func document(for schema: ConnectSchema) throws(ConnectDataError) -> JSONValue {
        try json(for: schema, index: nil, ignoreOptional: false)
    }

    private func json(for schema: ConnectSchema, index: Int?, ignoreOptional: Bool) throws(ConnectDataError) -> JSONValue {
        typealias Names = ConnectJsonSchemaNames
        var members: [(String, JSONValue)]
        var connectType: String?
        switch schema.type {
        case .int8: members = [("type", .string("integer"))]; connectType = "int8"
        case .int16: members = [("type", .string("integer"))]; connectType = "int16"
        case .int32: members = [("type", .string("integer"))]; connectType = "int32"
        case .int64: members = [("type", .string("integer"))]; connectType = "int64"
        case .float32: members = [("type", .string("number"))]; connectType = "float32"
        case .float64: members = [("type", .string("number"))]; connectType = "float64"
        case .boolean: members = [("type", .string("boolean"))]
        case .string:
            if schema.parameter(Names.enumParameter) != nil {
                let prefix = Names.enumParameter + "."
                let symbols = (schema.parameters ?? []).filter { $0.name.hasPrefix(prefix) }.map { parameter -> JSONValue in
                    let symbol = String(parameter.name.dropFirst(prefix.count))
                    return symbol == "<NULL>" ? .null : .string(symbol)
                }
                members = [("enum", .array(symbols))]
            } else {
                members = [("type", .string("string"))]
            }
        case .bytes:
            let numeric = schema.name == ConnectLogicalType.decimal.rawValue && values.decimalFormat == .numeric
            members = [("type", .string(numeric ? "number" : "string"))]
            connectType = "bytes"
        case .array:
            guard let element = schema.valueSchema else { throw ConnectDataError("Array schema has no element schema") }
            members = [("type", .string("array")), ("items", try json(for: element, index: nil, ignoreOptional: false))]
        case .map:
            guard let keySchema = schema.keySchema, let valueSchema = schema.valueSchema else {
                throw ConnectDataError("Map schema has no key or value schema")
            }
            if keySchema.type == .string && !keySchema.isOptional {
                members = [("type", .string("object")), ("additionalProperties", try json(for: valueSchema, index: nil, ignoreOptional: false))]
            } else {
                let entry: JSONValue = .object([("type", .string("object")), ("properties", .object([
                    (Names.keyField, try json(for: keySchema, index: 0, ignoreOptional: false)),
                    (Names.valueField, try json(for: valueSchema, index: 1, ignoreOptional: false)),
                ]))])
                members = [("type", .string("array")), ("items", entry)]
            }
            connectType = "map"
        case .struct:
            if Names.isUnion(schema) {
                var branches: [JSONValue] = schema.isOptional ? [.object([("type", .string("null"))])] : []
                for field in schema.fields {
                    branches.append(try json(for: field.schema.required(), index: field.index, ignoreOptional: true))
                }
                return Self.combined(branches, index: index)
            }
            if schema.isOptional && !ignoreOptional {
                return Self.combined([.object([("type", .string("null"))]), try json(for: schema.required(), index: nil, ignoreOptional: false)], index: index)
            }
            var properties: [(String, JSONValue)] = []
            for field in schema.fields {
                properties.append((field.name, try json(for: field.schema, index: field.index, ignoreOptional: false)))
            }
            members = [("type", .string("object")), ("properties", .object(properties))]
        }

        if let name = schema.name { members.append(("title", .string(name))) }
        if let doc = schema.doc { members.append(("description", .string(doc))) }
        if let fallback = schema.defaultValue, let json = try values.json(fallback, schema: schema) {
            members.append(("default", json))
        }
        var connectProperties: [(String, JSONValue)] = []
        if let version = schema.version { connectProperties.append((Names.connectVersion, JSONValue(integer: Int64(version)))) }
        let wrapsOptional = schema.isOptional && !ignoreOptional
        if let index, !wrapsOptional { connectProperties.append((Names.connectIndex, JSONValue(integer: Int64(index)))) }
        if let connectType { connectProperties.append((Names.connectType, .string(connectType))) }
        let parameters = (schema.parameters ?? []).filter { !$0.name.hasPrefix(Names.namespace) }
        if !parameters.isEmpty {
            connectProperties.append((Names.connectParameters, .object(parameters.map { ($0.name, .string($0.value)) })))
        }
        let base: JSONValue = .object(members + connectProperties)
        guard wrapsOptional else { return base }
        return Self.combined([.object([("type", .string("null"))]), base], index: index)
    }

    private static func combined(_ branches: [JSONValue], index: Int?) -> JSONValue {
        var members: [(String, JSONValue)] = [("oneOf", .array(branches))]
        if let index { members.append((ConnectJsonSchemaNames.connectIndex, JSONValue(integer: Int64(index)))) }
        return .object(members)
    }
}
