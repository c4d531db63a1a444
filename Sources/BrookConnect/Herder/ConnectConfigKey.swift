import BrookSchemas

/// One config a connector plugin accepts, as `GET /connector-plugins/{p}/config` and
/// `.../config/validate` describe it (Kafka's ConfigKeyInfo).
public struct ConnectConfigKey: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case string = "STRING", int = "INT", long = "LONG", boolean = "BOOLEAN", list = "LIST", `class` = "CLASS"
    }

    public enum Importance: String, Sendable, Hashable {
        case high = "HIGH", medium = "MEDIUM", low = "LOW"
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: String?
    /// No default at all (Kafka's NO_DEFAULT_VALUE): the config must be given.
    public var required = false
    public var importance: Importance
    public var documentation: String
    public var group: String
    /// Allowed values, when the config is an enumeration.
    public var allowed: [String] = []
    /// Smallest allowed number, for INT and LONG.
    public var minimum: Int64?

    public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, required: Bool = false,
                importance: Importance = .medium, group: String = "Common", allowed: [String] = [], minimum: Int64? = nil,
                _ documentation: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.importance = importance
        self.group = group
        self.allowed = allowed
        self.minimum = minimum
        self.documentation = documentation
    }

    /// Kafka's message for the value, nil when it is acceptable.
    func problem(with value: String?) -> String? {
        guard let value else {
            return required ? "Missing required configuration \"\(name)\" which has no default value." : nil
        }
        let trimmed = value.trimmingCharacters(in: " \t")
        switch kind {
        case .int, .long:
            guard let number = Int64(trimmed), kind == .long || Int32(exactly: number) != nil else {
                return "Invalid value \(value) for configuration \(name): Not a number of type \(kind.rawValue)"
            }
            if let minimum, number < minimum {
                return "Invalid value \(number) for configuration \(name): Value must be at least \(minimum)"
            }
        case .boolean:
            if trimmed.lowercased() != "true", trimmed.lowercased() != "false" {
                return "Invalid value \(value) for configuration \(name): Expected value to be either true or false"
            }
        case .string, .list, .class:
            break
        }
        if !allowed.isEmpty, !allowed.contains(trimmed) {
            return "Invalid value \(value) for configuration \(name): String must be one of: \(allowed.joined(separator: ", "))"
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        return String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
