/// Builds `AvroType` graphs from schema JSON with the name rules of the Avro spec 1.11 (full names,
/// inherited namespaces, one definition per name); several documents (references, then the schema)
/// share one name table.
struct AvroSchemaParser {
    private(set) var types: [AvroType] = []
    /// Full name → index of the named type's definition.
    private(set) var names: [String: Int] = [:]

    /// Attributes the spec gives meaning to; every other one is kept as a custom attribute.
    private static let reservedForTypes: Set<String> = ["doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"]
    private static let reservedForFields: Set<String> = ["default", "doc", "name", "order", "type", "aliases"]

    mutating func parseDocument(_ text: String) throws(InvalidSchemaError) -> Int {
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw InvalidSchemaError("Invalid Avro schema: \(error)")
        }
        return try parse(json, namespace: nil)
    }

    private mutating func add(_ type: AvroType) -> Int {
        types.append(type)
        return types.count - 1
    }

    private mutating func parse(_ json: JSONValue, namespace: String?) throws(InvalidSchemaError) -> Int {
        switch json {
        case let .string(text):
            return try resolve(text, namespace: namespace)
        case let .array(branches):
            return try parseUnion(branches, namespace: namespace)
        case let .object(members):
            return try parseObject(json, members: members, namespace: namespace)
        default:
            throw InvalidSchemaError("Invalid Avro schema: \(json.compactText) is not a type name, a union (JSON array) or a type definition (JSON object)")
        }
    }

    /// A type named by a string: a primitive, or a named type already defined (looked up in the
    /// enclosing namespace first, then in the null namespace, as Java's Avro does).
    private mutating func resolve(_ text: String, namespace: String?) throws(InvalidSchemaError) -> Int {
        if let primitive = AvroPrimitive(rawValue: text) {
            return add(AvroType(kind: .primitive(primitive)))
        }
        if let found = lookUp(text, namespace: namespace) { return found }
        throw InvalidSchemaError("Undefined name: \"\(text)\" is neither a primitive type nor a named type defined before this point"
            + (namespace.map { " (looked up in namespace \"\($0)\" and the null namespace)" } ?? ""))
    }

    private func lookUp(_ text: String, namespace: String?) -> Int? {
        if let found = names[AvroName(resolving: text, in: namespace).fullName] { return found }
        return names[text]
    }

    private mutating func parseUnion(_ branches: [JSONValue], namespace: String?) throws(InvalidSchemaError) -> Int {
        var indexes: [Int] = []
        var keys = Set<String>()
        for branch in branches {
            let index = try parse(branch, namespace: namespace)
            let type = types[index]
            if case .union = type.kind {
                throw InvalidSchemaError("Invalid Avro union \(JSONValue.array(branches).compactText): a union may not directly contain another union")
            }
            guard keys.insert(type.unionBranchKey).inserted else {
                throw InvalidSchemaError("Invalid Avro union \(JSONValue.array(branches).compactText): duplicate type \"\(type.unionBranchKey)\"")
            }
            indexes.append(index)
        }
        return add(AvroType(kind: .union(indexes)))
    }

    private mutating func parseObject(_ json: JSONValue, members: [(String, JSONValue)], namespace: String?) throws(InvalidSchemaError) -> Int {
        guard let typeName = json["type"]?.stringValue else {
            throw InvalidSchemaError("Invalid Avro schema \(json.compactText): a type definition needs a \"type\" string")
        }
        let reserved = typeName == "enum" ? Self.reservedForTypes.union(["default"]) : Self.reservedForTypes
        let attributes = members.filter { !reserved.contains($0.0) }.map { AvroAttribute(name: $0.0, value: $0.1) }
        let kind: AvroTypeKind
        switch typeName {
        case "record", "error":
            return try parseRecord(json, isError: typeName == "error", attributes: attributes, namespace: namespace)
        case "enum":
            let name = try definedName(json, namespace: namespace)
            let symbols = try symbols(json, of: name)
            let defaultSymbol = json["default"]?.stringValue
            if let defaultSymbol, !symbols.contains(defaultSymbol) {
                throw InvalidSchemaError("Invalid Avro enum \"\(name.fullName)\": its default \"\(defaultSymbol)\" is not one of its symbols \(symbols)")
            }
            kind = .enumeration(AvroEnum(name: name, doc: json["doc"]?.stringValue, aliases: try aliases(json, of: name),
                                         symbols: symbols, defaultSymbol: defaultSymbol))
            return try define(name, AvroType(kind: kind, attributes: attributes))
        case "fixed":
            let name = try definedName(json, namespace: namespace)
            guard let sizeValue = json["size"], sizeValue.isIntegerLiteral, let size = sizeValue.int64Value,
                  size >= 0, size <= Int64(Int32.max) else {
                throw InvalidSchemaError("Invalid Avro fixed \"\(name.fullName)\": \"size\" must be a non-negative integer")
            }
            kind = .fixed(AvroFixed(name: name, doc: json["doc"]?.stringValue, aliases: try aliases(json, of: name), size: Int(size)))
            return try define(name, AvroType(kind: kind, attributes: attributes, logicalType: AvroLogicalType.recognise(attributes, on: kind)))
        case "array":
            guard let items = json["items"] else {
                throw InvalidSchemaError("Invalid Avro array \(json.compactText): \"items\" is missing")
            }
            kind = .array(items: try parse(items, namespace: namespace))
        case "map":
            guard let values = json["values"] else {
                throw InvalidSchemaError("Invalid Avro map \(json.compactText): \"values\" is missing")
            }
            kind = .map(values: try parse(values, namespace: namespace))
        default:
            if let primitive = AvroPrimitive(rawValue: typeName) {
                kind = .primitive(primitive)
            } else if let found = lookUp(typeName, namespace: namespace) {
                // {"type": "SomeName"} names a defined type; Java's Avro ignores the other attributes.
                return found
            } else {
                throw InvalidSchemaError("Invalid Avro schema: unknown type \"\(typeName)\" (not a primitive, complex or defined named type)")
            }
        }
        return add(AvroType(kind: kind, attributes: attributes, logicalType: AvroLogicalType.recognise(attributes, on: kind)))
    }

    private mutating func parseRecord(_ json: JSONValue, isError: Bool, attributes: [AvroAttribute], namespace: String?) throws(InvalidSchemaError) -> Int {
        let name = try definedName(json, namespace: namespace)
        guard let fieldsJSON = json["fields"]?.arrayValue else {
            throw InvalidSchemaError("Invalid Avro record \"\(name.fullName)\": \"fields\" must be an array")
        }
        var record = AvroRecord(name: name, doc: json["doc"]?.stringValue, aliases: try aliases(json, of: name), fields: [], isError: isError)
        // Defined before its fields so that they can refer to it (recursive types).
        let index = try define(name, AvroType(kind: .record(record), attributes: attributes))
        var fieldNames = Set<String>()
        for fieldJSON in fieldsJSON {
            let field = try parseField(fieldJSON, in: name)
            guard fieldNames.insert(field.name).inserted else {
                throw InvalidSchemaError("Invalid Avro record \"\(name.fullName)\": duplicate field \"\(field.name)\"")
            }
            record.fields.append(field)
        }
        types[index].kind = .record(record)
        return index
    }

    private mutating func parseField(_ json: JSONValue, in record: AvroName) throws(InvalidSchemaError) -> AvroField {
        guard let members = json.objectMembers else {
            throw InvalidSchemaError("Invalid Avro record \"\(record.fullName)\": field \(json.compactText) is not a JSON object")
        }
        guard let name = json["name"]?.stringValue else {
            throw InvalidSchemaError("Invalid Avro record \"\(record.fullName)\": a field has no \"name\" string")
        }
        try Self.validate(name: name, what: "field name in record \"\(record.fullName)\"")
        guard let typeJSON = json["type"] else {
            throw InvalidSchemaError("Invalid Avro record \"\(record.fullName)\": field \"\(name)\" has no \"type\"")
        }
        let type = try parse(typeJSON, namespace: record.namespace)
        var order = AvroSortOrder.ascending
        if let orderJSON = json["order"] {
            guard let text = orderJSON.stringValue, let parsed = AvroSortOrder(rawValue: text.lowercased()) else {
                throw InvalidSchemaError("Invalid Avro field \"\(name)\" in record \"\(record.fullName)\": \"order\" must be \"ascending\", \"descending\" or \"ignore\"")
            }
            order = parsed
        }
        var fieldAliases: [String] = []
        if let aliasesJSON = json["aliases"] {
            guard let items = aliasesJSON.arrayValue else {
                throw InvalidSchemaError("Invalid Avro field \"\(name)\" in record \"\(record.fullName)\": \"aliases\" must be an array of strings")
            }
            for item in items {
                guard let alias = item.stringValue else {
                    throw InvalidSchemaError("Invalid Avro field \"\(name)\" in record \"\(record.fullName)\": alias \(item.compactText) is not a string")
                }
                // Java Avro keeps aliases in a set: a repeated one is written once.
                if !fieldAliases.contains(alias) { fieldAliases.append(alias) }
            }
        }
        return AvroField(
            name: name, type: type, doc: json["doc"]?.stringValue, defaultValue: json["default"], order: order,
            aliases: fieldAliases,
            attributes: members.filter { !Self.reservedForFields.contains($0.0) }.map { AvroAttribute(name: $0.0, value: $0.1) })
    }

    /// The full name a record, enum or fixed definition declares.
    private func definedName(_ json: JSONValue, namespace: String?) throws(InvalidSchemaError) -> AvroName {
        guard let text = json["name"]?.stringValue else {
            throw InvalidSchemaError("Invalid Avro schema \(json.compactText): a \(json["type"]?.stringValue ?? "named type") needs a \"name\" string")
        }
        let declaredSpace = json["namespace"]?.stringValue
        let name = AvroName(resolving: text, in: declaredSpace ?? namespace)
        try Self.validate(name: name.name, what: "name \"\(text)\"")
        if name.namespace == nil, AvroPrimitive(rawValue: name.name) != nil {
            throw InvalidSchemaError("Invalid Avro name \"\(text)\": a named type may not take a primitive type's name")
        }
        return name
    }

    private mutating func define(_ name: AvroName, _ type: AvroType) throws(InvalidSchemaError) -> Int {
        guard names[name.fullName] == nil else {
            throw InvalidSchemaError("Invalid Avro schema: \"\(name.fullName)\" is defined twice (can't redefine a named type)")
        }
        let index = add(type)
        names[name.fullName] = index
        return index
    }

    private func aliases(_ json: JSONValue, of name: AvroName) throws(InvalidSchemaError) -> [AvroName] {
        guard let aliasesJSON = json["aliases"] else { return [] }
        guard let items = aliasesJSON.arrayValue else {
            throw InvalidSchemaError("Invalid Avro type \"\(name.fullName)\": \"aliases\" must be an array of strings")
        }
        var result: [AvroName] = []
        for item in items {
            guard let alias = item.stringValue else {
                throw InvalidSchemaError("Invalid Avro type \"\(name.fullName)\": alias \(item.compactText) is not a string")
            }
            // Aliases are relative to the namespace of the type they belong to.
            let aliasName = AvroName(resolving: alias, in: name.namespace)
            if !result.contains(aliasName) { result.append(aliasName) }
        }
        return result
    }

    private func symbols(_ json: JSONValue, of name: AvroName) throws(InvalidSchemaError) -> [String] {
        guard let items = json["symbols"]?.arrayValue else {
            throw InvalidSchemaError("Invalid Avro enum \"\(name.fullName)\": \"symbols\" must be an array of strings")
        }
        var symbols: [String] = []
        var seen = Set<String>()
        for item in items {
            guard let symbol = item.stringValue else {
                throw InvalidSchemaError("Invalid Avro enum \"\(name.fullName)\": symbol \(item.compactText) is not a string")
            }
            try Self.validate(name: symbol, what: "symbol in enum \"\(name.fullName)\"")
            guard seen.insert(symbol).inserted else {
                throw InvalidSchemaError("Invalid Avro enum \"\(name.fullName)\": duplicate symbol \"\(symbol)\"")
            }
            symbols.append(symbol)
        }
        return symbols
    }

    /// Avro names start with a letter or `_` and go on with letters, digits or `_`. Letters are
    /// Unicode letters, as Confluent accepts for schemas already registered (Avro's UTF validator).
    static func validate(name: String, what: String) throws(InvalidSchemaError) {
        guard let first = name.unicodeScalars.first else {
            throw InvalidSchemaError("Invalid Avro \(what): a name may not be empty")
        }
        func isLetter(_ s: Unicode.Scalar) -> Bool { s == "_" || s.properties.isAlphabetic }
        guard isLetter(first), name.unicodeScalars.dropFirst().allSatisfy({ isLetter($0) || $0.properties.numericType == .decimal }) else {
            throw InvalidSchemaError("Invalid Avro \(what): \"\(name)\" must start with a letter or '_' and contain only letters, digits and '_'")
        }
    }
}
