import BrookSchemas

/// JSON Schema document → Connect schema as Confluent's `JsonSchemaData.toConnectSchema` reads it
/// (defaults: `use.optional.for.nonrequired=false`, no generalized sum types, singleton unions
/// flattened): `connect.type` picks the Connect type of numbers, strings and maps, `title` names the
/// schema, `description` is its doc, `oneOf`/`anyOf` with `null` makes it optional, other `oneOf`s
/// become `io.confluent.connect.json.OneOf` structs, struct fields are ordered by `connect.index`.
/// Brook does not read `$ref`, `allOf`, `not`, `const`, type arrays or empty schemas (Connect
/// Variants); such documents are refused.
struct JsonSchemaToConnect {
    let values: ConnectJsonSchemaValues

    func connectSchema(for document: JSONValue) throws(ConnectDataError) -> ConnectSchema {
        try schema(document, forceOptional: false)
    }

    private func schema(_ node: JSONValue, forceOptional: Bool) throws(ConnectDataError) -> ConnectSchema {
        typealias Names = ConnectJsonSchemaNames
        guard node.objectMembers != nil else { throw ConnectDataError("Unsupported schema type: \(node.compactText)") }
        for keyword in ["$ref", "allOf", "not", "const"] where node[keyword] != nil {
            throw ConnectDataError("Brook's JsonSchemaConverter does not read '\(keyword)' schemas")
        }
        let connectType = node[Names.connectType]?.stringValue
        var result: ConnectSchema
        if let branches = (node["oneOf"] ?? node["anyOf"]) {
            guard let list = branches.arrayValue, !list.isEmpty else { throw ConnectDataError("oneOf/anyOf must be a non-empty array") }
            if list.count == 1 { return try schema(list[0], forceOptional: forceOptional) }
            let isNull = { (branch: JSONValue) in branch["type"]?.stringValue == "null" }
            if list.count == 2, let other = list.first(where: { !isNull($0) }), list.contains(where: isNull) {
                return try schema(other, forceOptional: true)
            }
            result = ConnectSchema(type: .struct, name: Names.oneOfName)
            var index = 0
            for branch in list {
                if isNull(branch) {
                    result.isOptional = true
                    continue
                }
                try result.addField(Names.oneOfName + ".field." + String(index), schema(branch, forceOptional: true))
                index += 1
            }
        } else if let symbols = node["enum"] {
            guard let list = symbols.arrayValue else { throw ConnectDataError("enum must be an array") }
            result = ConnectSchema(type: .string, parameters: [.init(Names.enumParameter, "")])
            for symbol in list {
                let text: String
                switch symbol {
                case .null: text = "<NULL>"
                case let .string(s): text = s
                default: text = symbol.compactText
                }
                result.setParameter(Names.enumParameter + "." + text, text)
            }
        } else {
            switch try Self.typeName(of: node) {
            case "boolean": result = .boolean
            case "integer", "number":
                switch connectType {
                case nil: result = node["type"]?.stringValue == "integer" ? .int64 : .float64
                case "int8": result = .int8
                case "int16": result = .int16
                case "int32": result = .int32
                case "int64": result = .int64
                case "float32": result = .float32
                case "float64": result = .float64
                case "bytes": result = .bytes
                case let other?: throw ConnectDataError("Unsupported type \(other)")
                }
            case "string": result = connectType == "bytes" ? .bytes : .string
            case "array":
                guard let items = node["items"], items.objectMembers != nil else {
                    throw ConnectDataError("Array schema did not specify the items type")
                }
                if connectType == "map", items["properties"] != nil {
                    guard let key = items["properties"]?[Names.keyField], let value = items["properties"]?[Names.valueField] else {
                        throw ConnectDataError("A connect.type map array needs key and value properties")
                    }
                    result = .map(try schema(key, forceOptional: false), try schema(value, forceOptional: false))
                } else {
                    result = .array(try schema(items, forceOptional: false))
                }
            case "object":
                if connectType == "map" {
                    guard let values = node["additionalProperties"], values.objectMembers != nil else {
                        throw ConnectDataError("A connect.type map object needs an additionalProperties schema")
                    }
                    result = .map(.string, try schema(values, forceOptional: false))
                } else {
                    result = ConnectSchema(type: .struct)
                    // Confluent sorts by connect.index; a property without one takes the count so far.
                    var byIndex: [Int: (String, JSONValue)] = [:]
                    for (name, property) in node["properties"]?.objectMembers ?? [] {
                        let index = property[Names.connectIndex]?.int64Value.flatMap { Int(exactly: $0) } ?? byIndex.count
                        byIndex[index] = (name, property)
                    }
                    for index in byIndex.keys.sorted() {
                        let (name, property) = byIndex[index]!
                        try result.addField(name, schema(property, forceOptional: false))
                    }
                }
            case let other:
                throw ConnectDataError("Unsupported schema type \(other)")
            }
        }

        if result.name == nil, let title = node["title"]?.stringValue { result.name = title }
        if let version = node[Names.connectVersion] {
            guard let number = version.int64Value, let v = Int32(exactly: number) else { throw ConnectDataError("Invalid connect.version \(version.compactText)") }
            result.version = v
        }
        if let description = node["description"]?.stringValue { result.doc = description }
        if let parameters = node[Names.connectParameters] {
            guard let members = parameters.objectMembers else { throw ConnectDataError("connect.parameters must be an object") }
            for (name, value) in members {
                guard let text = value.stringValue else { throw ConnectDataError("connect.parameters values must be strings") }
                result.setParameter(name, text)
            }
        }
        if let fallback = node["default"] {
            result = try result.withDefault(values.connect(fallback, schema: result))
        }
        if forceOptional { result.isOptional = true }
        return result
    }

    /// The node's `type`, or the one its keywords imply (everit's loader does the same).
    private static func typeName(of node: JSONValue) throws(ConnectDataError) -> String {
        if let type = node["type"] {
            guard let name = type.stringValue else { throw ConnectDataError("Brook's JsonSchemaConverter does not read type arrays") }
            return name
        }
        if node["properties"] != nil || node["additionalProperties"] != nil { return "object" }
        if node["items"] != nil { return "array" }
        throw ConnectDataError("Unsupported schema type: a schema without a type")
    }
}
