import BrookSchemas

/// Avro's `format=resolved`: the schema with every named type its references define written out in
/// full at its first use, the rest by name — what Confluent answers (`AvroSchema.formattedString`:
/// Java's `Schema.toString()` of the schema parsed with its references; the response still lists
/// the references).
///
/// Works on the JSON: each referenced definition is inlined at its first use with its namespace
/// made explicit (so it keeps its full name wherever it lands), definitions met again become names,
/// and the self-contained result is parsed and printed by the Avro parser, which gives Java's form.
struct AvroResolvedForm {
    private static let primitives: Set<String> = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
    private static let namedKinds: Set<String> = ["record", "error", "enum", "fixed"]

    /// Full name → its definition with an explicit namespace, from the referenced documents.
    private var definitions: [String: JSONValue] = [:]
    /// Full names written out so far, in document order.
    private var defined: Set<String> = []

    /// The resolved text, or nil when a document is not Avro JSON (the caller keeps the stored text).
    static func resolve(_ text: String, references: [ResolvedReference]) -> String? {
        var form = AvroResolvedForm()
        for reference in references {
            guard let json = try? JSONParser.parse(reference.schema) else { return nil }
            form.collect(json, namespace: "")
        }
        guard let json = try? JSONParser.parse(text) else { return nil }
        return form.inline(json, namespace: "").compactText
    }

    // MARK: Collecting definitions

    private mutating func collect(_ json: JSONValue, namespace: String) {
        switch json {
        case let .array(branches):
            for branch in branches { collect(branch, namespace: namespace) }
        case .object:
            if let (fullName, space) = Self.definedName(json, enclosing: namespace) {
                if definitions[fullName] == nil { definitions[fullName] = Self.explicit(json, fullName: fullName, space: space) }
                for field in json["fields"]?.arrayValue ?? [] {
                    if let type = field["type"] { collect(type, namespace: space) }
                }
            } else {
                for child in Self.children(json) { collect(child, namespace: namespace) }
            }
        default:
            break
        }
    }

    // MARK: Inlining

    private mutating func inline(_ json: JSONValue, namespace: String) -> JSONValue {
        switch json {
        case let .string(name) where !Self.primitives.contains(name):
            let candidates = name.contains(".") || namespace.isEmpty ? [name] : [namespace + "." + name, name]
            for fullName in candidates {
                if defined.contains(fullName) { return json }
                if let definition = definitions[fullName] { return inline(definition, namespace: namespace) }
            }
            return json
        case let .array(branches):
            return .array(branches.map { inline($0, namespace: namespace) })
        case let .object(members):
            if let (fullName, space) = Self.definedName(json, enclosing: namespace) {
                if defined.contains(fullName) { return .string(fullName) }
                defined.insert(fullName)
                return .object(members.map { name, value in
                    guard name == "fields", let fields = value.arrayValue else { return (name, value) }
                    return (name, .array(fields.map { field in
                        guard let members = field.objectMembers else { return field }
                        return .object(members.map { $0.0 == "type" ? ($0.0, inline($0.1, namespace: space)) : $0 })
                    }))
                })
            }
            return .object(members.map { name, value in
                ["type", "items", "values"].contains(name) ? (name, inline(value, namespace: namespace)) : (name, value)
            })
        default:
            return json
        }
    }

    // MARK: Names

    /// The full name and namespace a named-type definition declares, nil for other JSON.
    private static func definedName(_ json: JSONValue, enclosing: String) -> (String, String)? {
        guard let kind = json["type"]?.stringValue, namedKinds.contains(kind), let name = json["name"]?.stringValue else { return nil }
        if let dot = name.lastIndex(of: ".") { return (name, String(name[..<dot])) }
        let space = json["namespace"]?.stringValue ?? enclosing
        return (space.isEmpty ? name : space + "." + name, space)
    }

    /// The definition with its simple name and its namespace written out (`""` for none).
    private static func explicit(_ json: JSONValue, fullName: String, space: String) -> JSONValue {
        let simple = fullName.split(separator: ".").last.map(String.init) ?? fullName
        var members = (json.objectMembers ?? []).filter { $0.0 != "namespace" }
        members = members.map { $0.0 == "name" ? ("name", .string(simple)) : $0 }
        let at = members.firstIndex { $0.0 == "name" }.map { $0 + 1 } ?? members.count
        members.insert(("namespace", .string(space)), at: at)
        return .object(members)
    }

    private static func children(_ json: JSONValue) -> [JSONValue] {
        ["type", "items", "values"].compactMap { json[$0] }
    }
}
