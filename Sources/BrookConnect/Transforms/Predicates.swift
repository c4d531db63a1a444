/// True when the whole topic name matches `pattern` (Kafka's `predicates.TopicNameMatches`).
public struct TopicNameMatches: ConnectPredicate {
    let regex: JavaRegex

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        let pattern = try config.requiredString("pattern")
        guard !pattern.isEmpty else { throw config.invalid("pattern", pattern, "String must be non-empty") }
        do {
            regex = try JavaRegex(pattern)
        } catch {
            throw config.invalid("pattern", pattern, "entry must be a Java-compatible regular expression: \(error)")
        }
    }

    public func test(_ record: ConnectRecord) -> Bool {
        regex.matchesWhole(record.topic)
    }
}

/// True when the record has at least one header named `name` (Kafka's `predicates.HasHeaderKey`).
public struct HasHeaderKey: ConnectPredicate {
    let name: String

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        name = try config.requiredString("name")
        guard !name.isEmpty else { throw config.invalid("name", name, "String must be non-empty") }
    }

    public func test(_ record: ConnectRecord) -> Bool {
        record.headers.contains { $0.key == name }
    }
}

/// True for a record whose value is null (Kafka's `predicates.RecordIsTombstone`).
public struct RecordIsTombstone: ConnectPredicate {
    public init(config: ConnectConfigReader = ConnectConfigReader([:])) {}

    public func test(_ record: ConnectRecord) -> Bool {
        record.value == .null
    }
}
