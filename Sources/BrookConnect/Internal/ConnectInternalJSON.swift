import BrookSchemas

/// The JSON of Connect's internal topics: Kafka's workers write them with `JsonConverter` and
/// `schemas.enable=false`, i.e. Jackson's compact output (members in schema order, control
/// characters escaped with upper-case hex, nothing else escaped).
enum ConnectInternalJSON {
    static func bytes(_ value: JSONValue) -> [UInt8] {
        Array(value.text(sortingKeys: false, uppercaseEscapes: true).utf8)
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes)
    }

    /// An integer as `JsonConverter` reads one back (an integral JSON number, as a Java long).
    static func integer(_ value: JSONValue?) -> Int64? {
        guard let value, value.isIntegerLiteral else { return nil }
        return value.int64Value
    }

    /// `String.split("-")` as Java does it: a regex split that drops trailing empty strings.
    static func javaSplit(_ text: String, on separator: Character) -> [Substring] {
        var parts = text.split(separator: separator, omittingEmptySubsequences: false)
        while parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        return parts
    }

    /// Java's `Integer.parseInt`: an optional sign and decimal digits within 32 bits.
    static func javaInt(_ text: Substring) -> Int32? {
        Int32(text)
    }
}

/// The outcome of reading one internal-topic record: Kafka's workers skip records they cannot use
/// (with a log line) instead of failing, and so does Brook.
public enum ConnectRecordDecoding<Record: Sendable & Equatable>: Sendable, Equatable {
    case record(Record)
    /// Skipped; `reason` is for the log.
    case ignored(reason: String)

    /// The record, or nil when it was ignored.
    public var record: Record? {
        if case let .record(record) = self { return record }
        return nil
    }
}
