/// How the loader reads one schema object into a node: the keyword groups everit extracts (enum,
/// combinations, not, const, type, then keywords of types `type` did not name), several of which
/// make a synthetic `allOf`.
extension JSONSchemaLoader {
    mutating func build(_ value: JSONValue, at location: Location) throws(InvalidSchemaError) -> JSONSchemaNode {
        switch value {
        case .bool(true): return JSONSchemaNode(kind: .empty, source: value)
        case .bool(false): return JSONSchemaNode(kind: .never, source: value)
        case .object: break
        default: throw InvalidSchemaError("Invalid JSON Schema at \(JSONPointer.fragment(location.tokens)): a schema must be an object or a boolean")
        }
        let draft = documents[location.document].draft
        var node = JSONSchemaNode(kind: .empty, source: value)
        node.id = value[draft.idKeyword]?.stringValue
        node.title = value["title"]?.stringValue
        node.description = value["description"]?.stringValue
        node.defaultValue = value["default"]

        var parts: [(JSONSchemaNode.Kind, [String])] = []
        var consumed = Set<String>()
        var dynamicReference = false
        if draft.isModern, value["$ref"] == nil, value["$dynamicRef"] != nil || value["$recursiveRef"] != nil {
            dynamicReference = true
        }
        if let ref = value["$ref"]?.stringValue
            ?? (dynamicReference ? value["$dynamicRef"]?.stringValue ?? value["$recursiveRef"]?.stringValue : nil) {
            // The target is filled in once every document is scanned; until then it points at itself.
            parts.append((.reference(-1, ref), ["$ref"]))
            if !draft.isModern {
                // Drafts 4 to 7: keywords beside `$ref` are ignored.
                node.kind = parts[0].0
                pendingReferences.append((memo[location]!, ref, location, false))
                return node
            }
            consumed.insert("$ref")
        }
        if let values = value["enum"]?.arrayValue {
            parts.append((.enumeration(values), ["enum"]))
        }
        for combination in [JSONSchemaNode.Combination.allOf, .anyOf, .oneOf] {
            guard let items = value[combination.rawValue]?.arrayValue else { continue }
            var children: [Int] = []
            for i in items.indices { children.append(try child(location, combination.rawValue, String(i))) }
            parts.append((.combined(combination, children, synthetic: false), [combination.rawValue]))
        }
        if value["not"] != nil {
            parts.append((.not(try child(location, "not")), ["not"]))
        }
        if draft >= .draft6, let constant = value["const"] {
            parts.append((.constant(constant), ["const"]))
        }
        let keywords = Keywords(draft: draft)
        if let type = value["type"] {
            let names = type.stringValue.map { [$0] } ?? (type.arrayValue ?? []).compactMap(\.stringValue)
            var typed: [JSONSchemaNode.Kind] = []
            for name in names {
                typed.append(try typedKind(name, value, at: location, keywords: keywords, consumed: &consumed))
            }
            if type.stringValue != nil, let only = typed.first {
                parts.append((only, ["type"] + consumedGroup(for: names[0], keywords)))
            } else {
                var children: [Int] = []
                for (name, kind) in zip(names, typed) {
                    children.append(append(JSONSchemaNode(kind: kind, source: .object([("type", .string(name))]))))
                }
                parts.append((.combined(.anyOf, children, synthetic: false), ["type"]))
            }
        }
        // Keywords of a type that `type` did not name still constrain values of that type.
        let members = value.objectMembers ?? []
        func present(_ group: [String]) -> Bool { members.contains { group.contains($0.0) && !consumed.contains($0.0) } }
        if present(keywords.array) {
            var rules = try arrayRules(value, at: location, draft: draft)
            rules.requiresArray = false
            parts.append((.array(rules), keywords.array))
        }
        if present(keywords.object) {
            var rules = try objectRules(value, at: location, draft: draft)
            rules.requiresObject = false
            parts.append((.object(rules), keywords.object))
        }
        if present(Keywords.number) {
            var rules = numberRules(value, draft: draft)
            rules.requiresNumber = false
            parts.append((.number(rules), Keywords.number))
        }
        if present(Keywords.string) {
            var rules = stringRules(value)
            rules.requiresString = false
            parts.append((.string(rules), Keywords.string))
        }
        if draft >= .draft7, present(["if", "then", "else"]) {
            let condition = value["if"] != nil ? try child(location, "if") : nil
            let then = value["then"] != nil ? try child(location, "then") : nil
            let otherwise = value["else"] != nil ? try child(location, "else") : nil
            parts.append((.conditional(if: condition, then: then, else: otherwise), ["if", "then", "else"]))
        }

        let selfID = memo[location]!
        switch parts.count {
        case 0:
            node.kind = .empty
        case 1:
            node.kind = parts[0].0
            if case let .reference(_, ref) = parts[0].0 { pendingReferences.append((selfID, ref, location, dynamicReference)) }
        default:
            var children: [Int] = []
            for (kind, group) in parts {
                let source = JSONValue.object(members.filter { group.contains($0.0) })
                let id = append(JSONSchemaNode(kind: kind, source: source))
                if case let .reference(_, ref) = kind { pendingReferences.append((id, ref, location, dynamicReference)) }
                children.append(id)
            }
            node.kind = .combined(.allOf, children, synthetic: true)
        }
        return node
    }

    private mutating func append(_ node: JSONSchemaNode) -> Int {
        graph.nodes.append(node)
        return graph.nodes.count - 1
    }

    private func consumedGroup(for type: String, _ keywords: Keywords) -> [String] {
        switch type {
        case "string": Keywords.string
        case "number", "integer": Keywords.number
        case "object": keywords.object
        case "array": keywords.array
        default: []
        }
    }

    private mutating func typedKind(
        _ name: String, _ value: JSONValue, at location: Location, keywords: Keywords, consumed: inout Set<String>
    ) throws(InvalidSchemaError) -> JSONSchemaNode.Kind {
        let draft = documents[location.document].draft
        consumed.formUnion(consumedGroup(for: name, keywords))
        switch name {
        case "string": return .string(stringRules(value))
        case "number": return .number(numberRules(value, draft: draft))
        case "integer":
            var rules = numberRules(value, draft: draft)
            rules.requiresInteger = true
            return .number(rules)
        case "boolean": return .boolean
        case "null": return .null
        case "object": return .object(try objectRules(value, at: location, draft: draft))
        case "array": return .array(try arrayRules(value, at: location, draft: draft))
        default: throw InvalidSchemaError("Invalid JSON Schema at \(JSONPointer.fragment(location.tokens)): unknown type '\(name)'")
        }
    }

    private func count(_ value: JSONValue?) -> Int? {
        value?.int64Value.map { Int(clamping: $0) }
    }

    private func stringRules(_ value: JSONValue) -> JSONSchemaNode.StringRules {
        var rules = JSONSchemaNode.StringRules()
        rules.minLength = count(value["minLength"])
        rules.maxLength = count(value["maxLength"])
        rules.pattern = value["pattern"]?.stringValue
        rules.format = value["format"]?.stringValue
        return rules
    }

    private func numberRules(_ value: JSONValue, draft: JSONSchemaDraft) -> JSONSchemaNode.NumberRules {
        var rules = JSONSchemaNode.NumberRules()
        rules.minimum = value["minimum"]?.doubleValue
        rules.maximum = value["maximum"]?.doubleValue
        if draft == .draft4 {
            rules.minimumIsExclusive = value["exclusiveMinimum"]?.boolValue ?? false
            rules.maximumIsExclusive = value["exclusiveMaximum"]?.boolValue ?? false
        } else {
            rules.exclusiveMinimum = value["exclusiveMinimum"]?.doubleValue
            rules.exclusiveMaximum = value["exclusiveMaximum"]?.doubleValue
        }
        if case let .number(literal)? = value["multipleOf"] { rules.multipleOf = literal }
        return rules
    }

    private mutating func objectRules(
        _ value: JSONValue, at location: Location, draft: JSONSchemaDraft
    ) throws(InvalidSchemaError) -> JSONSchemaNode.ObjectRules {
        var rules = JSONSchemaNode.ObjectRules()
        for (name, _) in value["properties"]?.objectMembers ?? [] {
            rules.properties.append((name, try child(location, "properties", name)))
        }
        rules.required = (value["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        switch value["additionalProperties"] {
        case .bool(let allowed)?: rules.additionalPropertiesAllowed = allowed
        case .some: rules.additionalPropertiesSchema = try child(location, "additionalProperties")
        case nil: break
        }
        for (pattern, _) in value["patternProperties"]?.objectMembers ?? [] {
            rules.patternProperties.append((pattern, try child(location, "patternProperties", pattern)))
        }
        for (name, dependency) in value["dependencies"]?.objectMembers ?? [] {
            if let names = dependency.arrayValue {
                rules.propertyDependencies.append((name, names.compactMap(\.stringValue)))
            } else {
                rules.schemaDependencies.append((name, try child(location, "dependencies", name)))
            }
        }
        rules.minProperties = count(value["minProperties"])
        rules.maxProperties = count(value["maxProperties"])
        if draft >= .draft6, value["propertyNames"] != nil { rules.propertyNames = try child(location, "propertyNames") }
        if draft.isModern {
            for (name, names) in value["dependentRequired"]?.objectMembers ?? [] {
                rules.propertyDependencies.append((name, (names.arrayValue ?? []).compactMap(\.stringValue)))
            }
            for (name, _) in value["dependentSchemas"]?.objectMembers ?? [] {
                rules.schemaDependencies.append((name, try child(location, "dependentSchemas", name)))
            }
            if value["unevaluatedProperties"] != nil { rules.unevaluatedProperties = try child(location, "unevaluatedProperties") }
        }
        return rules
    }

    private mutating func arrayRules(
        _ value: JSONValue, at location: Location, draft: JSONSchemaDraft
    ) throws(InvalidSchemaError) -> JSONSchemaNode.ArrayRules {
        var rules = JSONSchemaNode.ArrayRules()
        rules.minItems = count(value["minItems"])
        rules.maxItems = count(value["maxItems"])
        rules.uniqueItems = value["uniqueItems"]?.boolValue ?? false
        if draft == .draft2020_12 {
            if let prefix = value["prefixItems"]?.arrayValue {
                var tuple: [Int] = []
                for i in prefix.indices { tuple.append(try child(location, "prefixItems", String(i))) }
                rules.tupleItems = tuple
            }
            switch value["items"] {
            case .bool(false)?: rules.additionalItemsAllowed = false
            case .bool(true)?, nil: break
            case .some:
                let items = try child(location, "items")
                if rules.tupleItems == nil { rules.allItems = items } else { rules.additionalItemsSchema = items }
            }
        } else {
            if let tuple = value["items"]?.arrayValue {
                var items: [Int] = []
                for i in tuple.indices { items.append(try child(location, "items", String(i))) }
                rules.tupleItems = items
            } else if value["items"] != nil {
                rules.allItems = try child(location, "items")
            }
            switch value["additionalItems"] {
            case .bool(let allowed)?: rules.additionalItemsAllowed = allowed
            case .some: rules.additionalItemsSchema = try child(location, "additionalItems")
            case nil: break
            }
        }
        if draft >= .draft6, value["contains"] != nil { rules.contains = try child(location, "contains") }
        if draft.isModern {
            rules.minContains = count(value["minContains"])
            rules.maxContains = count(value["maxContains"])
            if value["unevaluatedItems"] != nil { rules.unevaluatedItems = try child(location, "unevaluatedItems") }
        }
        return rules
    }

    /// The keywords that make a schema an object, array, number or string schema in a draft
    /// (everit's `SpecificationVersion` lists, with the 2019-09 additions).
    private struct Keywords {
        var object: [String]
        var array: [String]
        static let number = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]
        static let string = ["minLength", "maxLength", "pattern", "format"]

        init(draft: JSONSchemaDraft) {
            object = ["properties", "required", "minProperties", "maxProperties", "dependencies", "patternProperties", "additionalProperties"]
            array = ["items", "additionalItems", "minItems", "maxItems", "uniqueItems"]
            if draft >= .draft6 {
                object.append("propertyNames")
                array.append("contains")
            }
            if draft.isModern {
                object += ["dependentRequired", "dependentSchemas", "unevaluatedProperties"]
                array += ["prefixItems", "minContains", "maxContains", "unevaluatedItems"]
            }
        }
    }
}
