import BrookSchemas

/// Builds one connector's flat Connect configuration from YAML, remembering where each key came
/// from: nested mappings join their keys with dots, scalars become Connect's strings, sequences
/// comma-separated lists.
struct PipelineConfigBuilder {
    let document: YAMLDocument
    var config: [String: String] = [:]
    var positions: [String: YAMLPosition] = [:]

    init(document: YAMLDocument) {
        self.document = document
    }

    func position(_ path: YAMLPath) -> YAMLPosition {
        document.location(of: path)?.start ?? YAMLPosition(line: 1, column: 1)
    }

    func valuePosition(_ path: YAMLPath) -> YAMLPosition {
        document.location(of: path)?.value ?? position(path)
    }

    func fail(_ path: YAMLPath, _ message: String) -> ConnectPipelineError {
        ConnectPipelineError(position: position(path), message: message)
    }

    /// Sets `key`, refusing a key set twice (`key.columns` and `key: {columns}` are the same key).
    mutating func set(_ key: String, _ value: String, at position: YAMLPosition) throws(ConnectPipelineError) {
        if let first = positions[key] {
            throw ConnectPipelineError(position: position, message: "duplicate configuration key '\(key)' (also set on line \(first.line))")
        }
        config[key] = value
        positions[key] = position
    }

    /// Adds every member, under `prefix` (e.g. `transforms.t1.`).
    mutating func flatten(_ members: [(String, JSONValue)], at path: YAMLPath, prefix: String) throws(ConnectPipelineError) {
        for (key, value) in members {
            let memberPath = path.appending(key: key)
            let fullKey = prefix + key
            if case let .object(nested) = value {
                try flatten(nested, at: memberPath, prefix: fullKey + ".")
            } else {
                try set(fullKey, try text(of: value, at: memberPath, key: fullKey), at: position(memberPath))
            }
        }
    }

    /// A scalar or a list of scalars as Connect's string.
    func text(of value: JSONValue, at path: YAMLPath, key: String) throws(ConnectPipelineError) -> String {
        switch value {
        case let .array(items):
            var parts: [String] = []
            for (index, item) in items.enumerated() {
                let itemPath = path.appending(index: index)
                guard let part = scalarText(item) else {
                    throw ConnectPipelineError(position: valuePosition(itemPath),
                                               message: "expected a scalar item in the list '\(key)', found \(Self.kind(item))")
                }
                if part.contains(",") {
                    throw ConnectPipelineError(position: valuePosition(itemPath),
                                               message: "expected a list item without ',' (Connect splits lists on commas), found '\(part)'")
                }
                parts.append(part)
            }
            return parts.joined(separator: ",")
        case .null:
            throw ConnectPipelineError(position: position(path), message: "expected a value for '\(key)', found nothing (write \"\" for an empty string)")
        default:
            guard let scalar = scalarText(value) else {
                throw ConnectPipelineError(position: valuePosition(path), message: "expected a value for '\(key)', found \(Self.kind(value))")
            }
            return scalar
        }
    }

    func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case let .string(text): text
        case let .number(literal): literal
        case let .bool(flag): flag ? "true" : "false"
        default: nil
        }
    }

    /// "a mapping", "a list", … for messages.
    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "nothing"
        case .bool: "a boolean"
        case .number: "a number"
        case let .string(text): "'\(text)'"
        case .array: "a list"
        case .object: "a mapping"
        }
    }
}
