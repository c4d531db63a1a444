/// Builds the `JSONSchemaGraph` of a checked schema document and the documents it references,
/// following everit's reading of keywords (the model Confluent's compatibility rules work on) and
/// resolving every `$ref`: JSON pointers, `$id`s (and anchors) and registered references.
struct JSONSchemaLoader {
    /// Where a subschema lives: which document, and the pointer tokens inside it.
    struct Location: Hashable {
        var document: Int
        var tokens: [String]
    }

    struct Document {
        var value: JSONValue
        var draft: JSONSchemaDraft
    }

    var documents: [Document] = []
    private var ids: [String: Location] = [:]
    private var anchors: [String: Location] = [:]
    private var bases: [Location: String] = [:]
    private var referenceNames: [String: Int] = [:]
    var memo: [Location: Int] = [:]
    /// `$ref`s to resolve once the node holding them exists; `dynamic` marks `$dynamicRef` /
    /// `$recursiveRef`, resolved statically (their usual target) and taken as "any" when that fails.
    var pendingReferences: [(node: Int, ref: String, at: Location, dynamic: Bool)] = []
    /// Name → member position for the large objects pointers walk through (`definitions` with
    /// thousands of entries), so resolving every subschema stays linear in the document.
    private var memberIndex: [Location: [String: Int]] = [:]
    var graph = JSONSchemaGraph()

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

    mutating func node(at location: Location) throws(InvalidSchemaError) -> Int {
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

    mutating func child(_ location: Location, _ tokens: String...) throws(InvalidSchemaError) -> Int {
        try node(at: Location(document: location.document, tokens: location.tokens + tokens))
    }
}
