/// Builds the `JSONSchemaGraph` of a checked schema document and the documents it references,
/// following everit's reading of keywords (the model Confluent's compatibility rules work on) and
/// resolving every `$ref`: JSON pointers, `$id`s (and anchors) and registered references.
struct JSONSchemaLoader {
    /// Where a subschema lives: which document, and the pointer tokens inside it.
    struct Location: Hashable {
        var document: Int
        var tokens: [String]
    }

    private struct Document {
        var value: JSONValue
        var draft: JSONSchemaDraft
    }

    private var documents: [Document] = []
    private var ids: [String: Location] = [:]
    private var anchors: [String: Location] = [:]
    private var bases: [Location: String] = [:]
    private var referenceNames: [String: Int] = [:]
    private var memo: [Location: Int] = [:]
    /// `$ref`s to resolve once the node holding them exists; `dynamic` marks `$dynamicRef` /
    /// `$recursiveRef`, resolved statically (their usual target) and taken as "any" when that fails.
    private var pendingReferences: [(node: Int, ref: String, at: Location, dynamic: Bool)] = []
    /// Name → member position for the large objects pointers walk through (`definitions` with
    /// thousands of entries), so resolving every subschema stays linear in the document.
    private var memberIndex: [Location: [String: Int]] = [:]
    private var graph = JSONSchemaGraph()

    /// Loads `root` (already checked) with `references` (each already parsed and checked).
    static func load(
        root: JSONValue, draft: JSONSchemaDraft, references: [(name: String, value: JSONValue, draft: JSONSchemaDraft)]
    ) throws(InvalidSchemaError) -> JSONSchemaGraph {
        var loader = JSONSchemaLoader()
        loader.documents.append(Document(value: root, draft: draft))
        let rootBase = loader.scanIdentifiers(document: 0, base: "")
        for reference in references {
            let index = loader.documents.count
            loader.documents.append(Document(value: reference.value, draft: reference.draft))
            loader.referenceNames[reference.name] = index
            let key = JSONSchemaURI.resolve(reference.name, against: rootBase)
            loader.ids[key] = loader.ids[key] ?? Location(document: index, tokens: [])
            _ = loader.scanIdentifiers(document: index, base: key)
        }
        loader.graph.root = try loader.node(at: Location(document: 0, tokens: []))
        try loader.resolvePendingReferences()
        return loader.graph
    }

    // MARK: - Identifiers

    /// Records every `$id` and anchor of a document and the base URI of each subschema; returns the
    /// document's own base.
    private mutating func scanIdentifiers(document: Int, base: String) -> String {
        let draft = documents[document].draft
        var stack: [(JSONValue, [String], String)] = [(documents[document].value, [], base)]
        var documentBase = base
        while let (value, tokens, parentBase) = stack.popLast() {
            let location = Location(document: document, tokens: tokens)
            var base = parentBase
            if case .object = value {
                if value["$ref"] == nil || draft.isModern, let id = value[draft.idKeyword]?.stringValue {
                    let resolved = JSONSchemaURI.resolve(id, against: parentBase)
                    let (uri, fragment) = JSONSchemaURI.splitFragment(resolved)
                    if let fragment, !fragment.isEmpty, !fragment.hasPrefix("/") {
                        anchors[resolved] = anchors[resolved] ?? location
                    } else {
                        ids[uri] = ids[uri] ?? location
                        base = uri
                    }
                }
                if draft.isModern, let anchor = value["$anchor"]?.stringValue ?? value["$dynamicAnchor"]?.stringValue {
                    let key = JSONSchemaURI.resolve("#" + anchor, against: base)
                    anchors[key] = anchors[key] ?? location
                }
            }
            if tokens.isEmpty {
                documentBase = base
                ids[base] = ids[base] ?? location
            }
            bases[location] = base
            for (childTokens, child) in Self.subschemas(of: value) {
                stack.append((child, tokens + childTokens, base))
            }
        }
        return documentBase
    }

    /// The subschemas directly inside `value`, with their pointer tokens relative to it.
    static func subschemas(of value: JSONValue) -> [([String], JSONValue)] {
        guard let members = value.objectMembers else { return [] }
        var out: [([String], JSONValue)] = []
        for (keyword, member) in members {
            switch keyword {
            case "additionalItems", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
                 "unevaluatedItems", "unevaluatedProperties", "contentSchema":
                out.append(([keyword], member))
            case "items", "prefixItems", "allOf", "anyOf", "oneOf":
                if let items = member.arrayValue {
                    for (i, item) in items.enumerated() { out.append(([keyword, String(i)], item)) }
                } else {
                    out.append(([keyword], member))
                }
            case "properties", "definitions", "$defs", "dependentSchemas", "patternProperties", "dependencies":
                for (name, schema) in member.objectMembers ?? [] where schema.arrayValue == nil {
                    out.append(([keyword, name], schema))
                }
            default:
                break
            }
        }
        return out
    }

    private func base(of location: Location) -> String {
        var tokens = location.tokens
        while true {
            if let base = bases[Location(document: location.document, tokens: tokens)] { return base }
            if tokens.isEmpty { return "" }
            tokens.removeLast()
        }
    }

    // MARK: - References

    private mutating func resolvePendingReferences() throws(InvalidSchemaError) {
        while let (node, ref, location, dynamic) = pendingReferences.popLast() {
            let target: Int
            if let found = resolve(ref, from: location) {
                target = try self.node(at: found)
            } else if dynamic || JSONSchemaDraft.isMetaSchemaURL(JSONSchemaURI.resolve(ref, against: base(of: location))) {
                // Confluent bundles the meta-schemas; a schema about schemas is taken as "any JSON".
                // So is a dynamic reference whose target depends on the evaluation path.
                target = graph.nodes.count
                graph.nodes.append(JSONSchemaNode(kind: .empty, source: .object([])))
            } else {
                throw InvalidSchemaError(
                    "Invalid JSON Schema: the $ref '\(ref)' at \(JSONPointer.fragment(location.tokens)) resolves to nothing: "
                        + "no definition at that pointer or $id, and no schema reference named '\(JSONSchemaURI.splitFragment(ref).document)'")
            }
            graph.nodes[node].kind = .reference(target, ref)
        }
    }

    private mutating func resolve(_ ref: String, from location: Location) -> Location? {
        let absolute = JSONSchemaURI.resolve(ref, against: base(of: location))
        if let anchored = anchors[absolute] { return anchored }
        let (uri, fragment) = JSONSchemaURI.splitFragment(absolute)
        var start = ids[uri]
        if start == nil, let document = referenceNames[JSONSchemaURI.splitFragment(ref).document] {
            start = Location(document: document, tokens: [])
        }
        guard let start else { return nil }
        guard let tokens = JSONPointer.tokens(ofFragment: fragment ?? "") else { return nil }
        let target = Location(document: start.document, tokens: start.tokens + tokens)
        if memo[target] != nil || value(at: target) != nil { return target }
        // Confluent lets `#/$defs/X` find a top-level `definitions` entry (and so do we).
        if start.tokens.isEmpty, tokens.first == "$defs" {
            let bridged = Location(document: start.document, tokens: ["definitions"] + tokens.dropFirst())
            if value(at: bridged) != nil { return bridged }
        }
        return nil
    }

    /// The JSON at a location, walking large objects through `memberIndex`.
    private mutating func value(at location: Location) -> JSONValue? {
        var current = documents[location.document].value
        var walked: [String] = []
        for token in location.tokens {
            switch current {
            case let .object(members) where members.count > 16:
                let container = Location(document: location.document, tokens: walked)
                if memberIndex[container] == nil {
                    var index: [String: Int] = [:]
                    for (position, member) in members.enumerated() { index[member.0] = position }
                    memberIndex[container] = index
                }
                guard let position = memberIndex[container]?[token] else { return nil }
                current = members[position].1
            default:
                guard let next = JSONPointer.resolve([token], in: current) else { return nil }
                current = next
            }
            walked.append(token)
        }
        return current
    }

    // MARK: - Nodes

    private mutating func node(at location: Location) throws(InvalidSchemaError) -> Int {
        if let known = memo[location] { return known }
        guard let value = value(at: location) else {
            throw InvalidSchemaError("Invalid JSON Schema: nothing at \(JSONPointer.fragment(location.tokens))")
        }
        let id = graph.nodes.count
        graph.nodes.append(JSONSchemaNode(kind: .empty, source: value))
        memo[location] = id
        graph.nodes[id] = try build(value, at: location)
        return id
    }

    private mutating func child(_ location: Location, _ tokens: String...) throws(InvalidSchemaError) -> Int {
        try node(at: Location(document: location.document, tokens: location.tokens + tokens))
    }

    private mutating func build(_ value: JSONValue, at location: Location) throws(InvalidSchemaError) -> JSONSchemaNode {
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
