/// Why the desired-state source cannot declare or reconcile a snapshot. Every case names the
/// input (file, line) or configuration key at fault, since the user fixes these by hand.
public enum DesiredStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A configuration value is missing or invalid (`key`: the property).
    case invalidConfig(key: String, reason: String)
    /// A CSV file that cannot be read.
    case csv(source: String, CSVError)
    /// A `key.columns` entry that the input does not have.
    case missingKeyColumn(column: String, source: String)
    /// Two declarations of the same key; `first` may lack a line when it is known only from the
    /// tracked state (its file was not re-read in this pass).
    case duplicateKey(key: String, first: DeclaredOrigin, second: DeclaredOrigin)
    /// A key column whose value is SQL NULL.
    case nullKey(column: String, origin: DeclaredOrigin)
    /// A file that `value.format=json` cannot parse.
    case invalidJSON(source: String, reason: String)
    /// A state-topic record that cannot be decoded (`key`: the record key, printable).
    case corruptStateRecord(key: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfig(key, reason):
            return "Invalid value for configuration \(key): \(reason)"
        case let .csv(source, error):
            return "\(source): \(error)"
        case let .missingKeyColumn(column, source):
            return "\(source): key column \"\(column)\" (key.columns) is not among the input's columns"
        case let .duplicateKey(key, first, second):
            return "key \(key.debugDescription) is declared twice: at \(first) and at \(second)"
        case let .nullKey(column, origin):
            return "\(origin): key column \"\(column)\" is null"
        case let .invalidJSON(source, reason):
            return "\(source): value.format=json but the file is not JSON: \(reason)"
        case let .corruptStateRecord(key, reason):
            return "desired-state topic record \(key.debugDescription) cannot be read: \(reason)"
        }
    }
}
