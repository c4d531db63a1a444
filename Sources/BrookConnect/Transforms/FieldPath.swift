/// A field reference as Kafka's `field.SingleFieldPath` reads it: with `field.syntax.version=V1`
/// (default) the whole text names one top-level field; with V2 dots separate nested fields and
/// backticks quote a name containing dots (`` `a.b`.c ``).
struct FieldPath: Sendable, Hashable {
    static let syntaxVersionConfig = "field.syntax.version"
    let steps: [String]

    init(_ path: String, config: ConnectConfigReader) throws(ConnectConfigError) {
        let version = try config.choice(Self.syntaxVersionConfig, default: "V1", allowed: ["V1", "V2"], caseInsensitive: true)
        if version == "V1" {
            steps = [path]
            return
        }
        var steps: [String] = []
        var current = ""
        var quoted = false
        let chars = Array(path)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "`" && (quoted || current.isEmpty) {
                if quoted && i + 1 < chars.count && chars[i + 1] == "`" {
                    current.append("`")
                    i += 2
                    continue
                }
                quoted.toggle()
            } else if c == "." && !quoted {
                steps.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        if quoted { throw config.general("Incomplete backtick pair in path: [\(path)], consider adding a backslash before backtick at position \(path.count) to escape it") }
        steps.append(current)
        self.steps = steps
    }

    /// The field's schema inside `schema`, nil if any step is missing or not a struct.
    func field(in schema: ConnectSchema) -> ConnectField? {
        var current = schema
        for (i, step) in steps.enumerated() {
            guard current.type == .struct, let field = current.field(named: step) else { return nil }
            if i == steps.count - 1 { return field }
            current = field.schema
        }
        return nil
    }

    func value(in value: ConnectStruct, replaceNullWithDefault: Bool) throws(ConnectDataError) -> ConnectValue {
        var current = ConnectValue.struct(value)
        for step in steps {
            guard case let .struct(s) = current, s.schema.field(named: step) != nil else { return .null }
            current = try TransformSupport.fieldValue(s, step, replaceNullWithDefault: replaceNullWithDefault)
        }
        return current
    }

    func value(in map: [ConnectMapEntry]) -> ConnectValue {
        var current = ConnectValue.map(map)
        for step in steps {
            guard case let .map(entries) = current else { return .null }
            current = entries.value(forKey: step)
        }
        return current
    }
}
