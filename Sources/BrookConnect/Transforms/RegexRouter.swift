/// Renames the topic when it matches `regex` as a whole, using `replacement` with `$1`-style groups
/// (Kafka's `RegexRouter`).
public struct RegexRouter: ConnectTransformation {
    let regex: JavaRegex
    let replacement: String

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        let pattern = try config.requiredString("regex")
        do {
            regex = try JavaRegex(pattern)
        } catch {
            throw config.invalid("regex", pattern, "Invalid regex: \(error)")
        }
        replacement = try config.requiredString("replacement")
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        guard regex.matchesWhole(record.topic) else { return record }
        var copy = record
        do {
            copy.topic = try regex.replaceFirst(in: record.topic, with: replacement)
        } catch {
            throw ConnectDataError("\(error)")
        }
        return copy
    }
}
