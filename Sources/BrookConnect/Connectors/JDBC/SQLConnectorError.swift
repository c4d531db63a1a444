/// A problem the SQL connectors report with a message the user acts on: a bad config value, a
/// record the table layout cannot take, a table that is missing or cannot be evolved. (Connection
/// problems are `RetriableConnectError`; database errors keep their own type.)
public struct SQLConnectorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    static func config(_ key: String, _ value: String?, _ reason: String) -> SQLConnectorError {
        SQLConnectorError("Invalid value \(value ?? "null") for configuration \(key): \(reason)")
    }

    public var description: String { message }
}

/// Reads typed values out of a connector's string properties with Kafka's messages.
struct SQLConfigReader {
    let properties: [String: String]

    func string(_ key: String, default fallback: String? = nil) -> String? {
        guard let value = properties[key]?.trimmingCharacters(in: " \t"), !value.isEmpty else { return fallback }
        return value
    }

    func required(_ key: String) throws(SQLConnectorError) -> String {
        guard let value = string(key) else {
            throw SQLConnectorError("Missing required configuration \"\(key)\" which has no default value.")
        }
        return value
    }

    func int(_ key: String, default fallback: Int, minimum: Int = Int.min) throws(SQLConnectorError) -> Int {
        guard let text = string(key) else { return fallback }
        guard let value = Int(text) else { throw .config(key, text, "Not a number of type INT") }
        guard value >= minimum else { throw .config(key, text, "Value must be at least \(minimum)") }
        return value
    }

    func bool(_ key: String, default fallback: Bool) throws(SQLConnectorError) -> Bool {
        guard let text = string(key)?.lowercased() else { return fallback }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .config(key, text, "Expected value to be either true or false")
        }
    }

    func list(_ key: String) -> [String] {
        (string(key) ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }

    func choice<T: RawRepresentable>(_ key: String, default fallback: T) throws(SQLConnectorError) -> T where T.RawValue == String {
        guard let text = string(key) else { return fallback }
        guard let value = T(rawValue: text.lowercased()) else { throw .config(key, text, "Invalid enumerator") }
        return value
    }
}
