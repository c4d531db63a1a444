/// The desired-state source's connector configuration (`"connector.class": "DesiredStateSource"`),
/// parsed from Connect's string properties.
///
/// Keys: `input` (`csv` | `files` | `sql`), `path` (a glob for csv/files), `key.columns` (comma
/// separated; required for csv, optional for sql where the primary key is the default), `topic`,
/// `value.format` (`bytes` | `json`, files only), `csv.separator` (one character, default `,`),
/// `query` (sql), `deletion.mode` (`tombstone` | `value` | `none`) and `deletion.value` (the
/// bytes, as UTF-8 text, produced for a key that is no longer declared; setting it implies `value`).
public struct DesiredStateConfig: Sendable, Hashable {
    /// Where the declared state comes from.
    public enum Input: String, Sendable, Hashable, CaseIterable {
        case csv
        case files
        case sql
    }

    public var connector: String
    public var input: Input
    public var path: String?
    public var query: String?
    /// input=sql: the database (`connection.url`, as the SQL connectors take it) and credentials.
    public var connectionURL: String?
    public var connectionUser: String?
    public var connectionPassword: String?
    public var keyColumns: [String]
    public var topic: String
    public var valueFormat: FileDeclarations.ValueFormat
    public var csvSeparator: UInt8
    public var deletion: DeletionPolicy

    /// The compacted topic holding this connector's tracked state.
    public var stateTopic: String { DesiredStateTopic.name(connector: connector) }

    public init(properties: [String: String]) throws(DesiredStateError) {
        func required(_ key: String) throws(DesiredStateError) -> String {
            guard let value = properties[key]?.trimmingSpaces, !value.isEmpty else {
                throw .invalidConfig(key: key, reason: "Missing required configuration \"\(key)\" which has no default value.")
            }
            return value
        }
        connector = try required("name")
        let inputText = try required("input")
        guard let input = Input(rawValue: inputText) else {
            throw .invalidConfig(key: "input", reason: "\"\(inputText)\" is not one of csv, files, sql")
        }
        self.input = input
        topic = try required("topic")
        keyColumns = (properties["key.columns"] ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        switch input {
        case .csv, .files:
            path = try required("path")
            query = nil
        case .sql:
            path = nil
            query = try required("query")
            // Checked when a pass runs (DesiredStateSQLReader), so plans can be made without a database.
            connectionURL = properties["connection.url"]?.trimmingSpaces
            connectionUser = properties["connection.user"]
            connectionPassword = properties["connection.password"]
        }
        if input == .csv && keyColumns.isEmpty {
            throw .invalidConfig(key: "key.columns", reason: "input=csv needs at least one key column")
        }
        let formatText = properties["value.format"]?.trimmingSpaces ?? "bytes"
        guard let format = FileDeclarations.ValueFormat(rawValue: formatText) else {
            throw .invalidConfig(key: "value.format", reason: "\"\(formatText)\" is not one of bytes, json")
        }
        valueFormat = format
        let separatorText = properties["csv.separator"] ?? ","
        guard separatorText.utf8.count == 1, let separator = separatorText.utf8.first,
              separator != UInt8(ascii: "\""), separator != UInt8(ascii: "\n"), separator != UInt8(ascii: "\r") else {
            throw .invalidConfig(key: "csv.separator", reason: "must be one ASCII character other than a quote or a line break")
        }
        csvSeparator = separator
        let deletionValue = properties["deletion.value"]
        switch properties["deletion.mode"]?.trimmingSpaces ?? (deletionValue == nil ? "tombstone" : "value") {
        case "tombstone": deletion = .tombstone
        case "none": deletion = .nothing
        case "value":
            guard let deletionValue else {
                throw .invalidConfig(key: "deletion.value", reason: "deletion.mode=value needs deletion.value")
            }
            deletion = .value(Array(deletionValue.utf8))
        case let other:
            throw .invalidConfig(key: "deletion.mode", reason: "\"\(other)\" is not one of tombstone, value, none")
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
