/// The JSON Schema dialects the registry accepts, picked by `$schema` the way Confluent picks them
/// (an absent or unknown `$schema` means draft 7).
public enum JSONSchemaDraft: String, Sendable, CaseIterable, Comparable {
    case draft4 = "draft-04"
    case draft6 = "draft-06"
    case draft7 = "draft-07"
    case draft2019_09 = "2019-09"
    case draft2020_12 = "2020-12"

    /// The draft a document declares. Confluent matches `$schema` against a fixed list of meta-schema
    /// URLs (http and https, an optional trailing `#`) and falls back to draft 7 for anything else
    /// (`SpecificationVersion.getFromUrl`).
    public static func declared(by schema: JSONValue) -> JSONSchemaDraft {
        guard var url = schema["$schema"]?.stringValue else { return .draft7 }
        if url.hasSuffix("#") { url.removeLast() }
        for prefix in ["http://", "https://"] where url.hasPrefix(prefix) {
            switch url.dropFirst(prefix.count) {
            case "json-schema.org/draft-04/schema", "json-schema.org/schema": return .draft4
            case "json-schema.org/draft-06/schema": return .draft6
            case "json-schema.org/draft-07/schema": return .draft7
            case "json-schema.org/draft/2019-09/schema": return .draft2019_09
            case "json-schema.org/draft/2020-12/schema": return .draft2020_12
            default: break
            }
        }
        return .draft7
    }

    public static func < (lhs: JSONSchemaDraft, rhs: JSONSchemaDraft) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Draft 4 spells the identifier keyword `id`; later drafts `$id`.
    var idKeyword: String { self == .draft4 ? "id" : "$id" }

    /// 2019-09 and later: `$ref` may sit beside other keywords, which then also apply.
    var isModern: Bool { self >= .draft2019_09 }

    /// Draft 6 and later let `true` and `false` stand for a schema anywhere a schema goes.
    var allowsBooleanSchemas: Bool { self >= .draft6 }

    /// Whether `name` is a URL of one of the meta-schemas themselves, which Confluent bundles: a
    /// `$ref` to one resolves without a registered reference.
    static func isMetaSchemaURL(_ name: String) -> Bool {
        var url = name
        if let hash = url.firstIndex(of: "#") { url = String(url[..<hash]) }
        let path = url.hasPrefix("https://") ? url.dropFirst(8) : url.hasPrefix("http://") ? url.dropFirst(7) : nil
        guard let path, path.hasPrefix("json-schema.org/") else { return false }
        return path.hasSuffix("/schema") || path.contains("/meta/")
    }
}
