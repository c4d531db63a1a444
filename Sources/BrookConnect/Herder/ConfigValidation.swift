import BrookSchemas

/// The answer of `PUT /connector-plugins/{p}/config/validate` (Kafka's ConfigInfos): every config
/// key the plugin knows, with the value given and its errors.
public struct ConfigValidation: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: ConnectConfigKey
        public var value: String?
        public var errors: [String]
    }

    public var pluginName: String
    public var entries: [Entry]

    public var errorCount: Int { entries.reduce(0) { $0 + $1.errors.count } }

    /// Checks `config` against `keys`; `extraErrors` adds plugin-level problems per key.
    init(pluginName: String, keys: [ConnectConfigKey], config: [String: String], extraErrors: [String: [String]] = [:]) {
        self.pluginName = pluginName
        var entries = keys.map { key -> Entry in
            Entry(key: key, value: config[key.name] ?? key.defaultValue,
                  errors: (key.problem(with: config[key.name]).map { [$0] } ?? []) + (extraErrors[key.name] ?? []))
        }
        for (name, errors) in extraErrors.sorted(by: { $0.key < $1.key }) where !keys.contains(where: { $0.name == name }) {
            entries.append(Entry(key: ConnectConfigKey(name, .string, importance: .low, ""),
                                 value: config[name], errors: errors))
        }
        self.entries = entries
    }

    /// Connect's 400 message for a create or update with errors (AbstractHerder.validationErrorMessage style).
    var failureMessage: String {
        var lines = ["Connector configuration is invalid and contains the following \(errorCount) error(s):"]
        for entry in entries { lines += entry.errors }
        lines.append("You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
        return lines.joined(separator: "\n")
    }

    /// `GET /connector-plugins/{p}/config`: the definitions alone (ConfigKeyInfo).
    var definitionsJSON: [JSONValue] {
        entries.enumerated().map { index, entry in definition(entry.key, order: index + 1) }
    }

    private func definition(_ key: ConnectConfigKey, order: Int) -> JSONValue {
        .object([
            ("name", .string(key.name)), ("type", .string(key.kind.rawValue)), ("required", .bool(key.required)),
            ("default_value", key.defaultValue.map(JSONValue.string) ?? .null), ("importance", .string(key.importance.rawValue)),
            ("documentation", .string(key.documentation)), ("group", .string(key.group)), ("order_in_group", RESTJSON.int(order)),
            ("width", .string("NONE")), ("display_name", .string(key.name)), ("dependents", .array([])),
        ])
    }

    var json: JSONValue {
        let groups = entries.map(\.key.group).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return .object([
            ("name", .string(pluginName)), ("error_count", RESTJSON.int(errorCount)), ("groups", .array(groups.map(JSONValue.string))),
            ("configs", .array(entries.enumerated().map { index, entry in
                .object([
                    ("definition", definition(entry.key, order: index + 1)),
                    ("value", .object([
                        ("name", .string(entry.key.name)), ("value", entry.value.map(JSONValue.string) ?? .null),
                        ("recommended_values", .array(entry.key.allowed.map(JSONValue.string))),
                        ("errors", .array(entry.errors.map(JSONValue.string))), ("visible", .bool(true)),
                    ])),
                ])
            })),
        ])
    }
}
