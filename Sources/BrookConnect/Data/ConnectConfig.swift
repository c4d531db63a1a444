/// A configuration problem for one key, with Kafka's `ConfigException` text ("Invalid value v for
/// configuration k: reason"); Connect's validation reports these per key (`ConfigValue` errors).
public struct ConnectConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// Kafka's `new ConfigException(name, value, reason)`.
    public static func invalidValue(_ key: String, _ value: String, _ reason: String?) -> ConnectConfigError {
        ConnectConfigError(key: key, message: "Invalid value \(value) for configuration \(key)" + (reason.map { ": \($0)" } ?? ""))
    }

    /// Kafka's message for a required key that is absent.
    public static func missing(_ key: String) -> ConnectConfigError {
        ConnectConfigError(key: key, message: "Missing required configuration \"\(key)\" which has no default value.")
    }

    public var description: String { message }
}

/// Reads typed values from flat string properties the way Kafka's `ConfigDef` parses them.
/// Errors name keys with `keyPrefix` (e.g. "transforms.a.") so they point at the connector's own config.
public struct ConnectConfigReader: Sendable {
    public let properties: [String: String]
    public let keyPrefix: String

    public init(_ properties: [String: String], keyPrefix: String = "") {
        self.properties = properties
        self.keyPrefix = keyPrefix
    }

    public func string(_ key: String) -> String? { properties[key] }

    public func requiredString(_ key: String) throws(ConnectConfigError) -> String {
        guard let value = properties[key] else { throw .missing(keyPrefix + key) }
        return value
    }

    /// A problem with `key`'s value, named with the prefix.
    public func invalid(_ key: String, _ value: String, _ reason: String?) -> ConnectConfigError {
        .invalidValue(keyPrefix + key, value, reason)
    }

    /// A problem with the configuration as a whole (Kafka's `ConfigException(message)`), reported on
    /// the plugin's `type` key when there is a prefix.
    public func general(_ message: String) -> ConnectConfigError {
        ConnectConfigError(key: keyPrefix.isEmpty ? "" : keyPrefix + "type", message: message)
    }

    /// A required LIST that must not be empty (NO_DEFAULT_VALUE + NonEmptyListValidator).
    public func nonEmptyList(_ key: String) throws(ConnectConfigError) -> [String] {
        let items = Self.parseList(try requiredString(key))
        guard !items.isEmpty else { throw invalid(key, "[]", "Empty list") }
        return items
    }

    /// BOOLEAN: "true"/"false", case-insensitive, trimmed.
    public func bool(_ key: String, default fallback: Bool) throws(ConnectConfigError) -> Bool {
        guard let raw = properties[key] else { return fallback }
        switch raw.trimmingASCIISpaces.lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid(key, raw, "Expected value to be either true or false")
        }
    }

    /// INT (32-bit), trimmed.
    public func int(_ key: String, default fallback: Int32) throws(ConnectConfigError) -> Int32 {
        guard let raw = properties[key] else { return fallback }
        guard let value = Int32(raw.trimmingASCIISpaces) else { throw invalid(key, raw, "Not a number of type INT") }
        return value
    }

    /// LIST: comma-separated, items trimmed; an empty string is an empty list.
    public func list(_ key: String, default fallback: [String]) -> [String] {
        guard let raw = properties[key] else { return fallback }
        return Self.parseList(raw)
    }

    public static func parseList(_ raw: String) -> [String] {
        let trimmed = raw.trimmingASCIISpaces
        if trimmed.isEmpty { return [] }
        return trimmed.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingASCIISpaces }
    }

    /// STRING restricted to `allowed` (ValidString / CaseInsensitiveValidString).
    public func choice(_ key: String, default fallback: String, allowed: [String], caseInsensitive: Bool = false) throws(ConnectConfigError) -> String {
        let value = properties[key] ?? fallback
        if caseInsensitive {
            if let match = allowed.first(where: { $0.lowercased() == value.lowercased() }) { return match }
            throw invalid(key, value, "String must be one of (case insensitive): " + allowed.joined(separator: ", "))
        }
        guard allowed.contains(value) else {
            throw invalid(key, value, "String must be one of: " + allowed.joined(separator: ", "))
        }
        return value
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (Java's `String.trim()` for text).
    var trimmingASCIISpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0.value > 0x20 }),
              let end = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[start...end])
    }
}

/// A schema and a value together (Kafka's `SchemaAndValue`); schema nil = schemaless.
public struct ConnectSchemaAndValue: Sendable, Hashable {
    public var schema: ConnectSchema?
    public var value: ConnectValue

    public init(schema: ConnectSchema?, value: ConnectValue) {
        self.schema = schema
        self.value = value
    }

    public static let null = ConnectSchemaAndValue(schema: nil, value: .null)
}
