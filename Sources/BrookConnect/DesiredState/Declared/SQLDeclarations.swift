import BrookSchemas

/// Turns the rows of a SQL query into declared records (`input=sql`); the runtime runs the query
/// and passes each row as ordered (column, JSON value) pairs. The key is the `key.columns` value
/// (default: the table's primary key, which the runtime resolves): one column gives its text (a
/// string as is, a number's literal, `true`/`false`); several give a compact JSON array of the
/// typed values. The value is the row as a compact JSON object in column order.
public struct SQLDeclarations: Sendable {
    public let keyColumns: [String]
    /// The label rows are reported under in errors and tracked as their source.
    public let source: String

    public init(keyColumns: [String], source: String = "query") throws(DesiredStateError) {
        guard !keyColumns.isEmpty else {
            throw .invalidConfig(key: "key.columns", reason: "the query needs key columns (or a primary key)")
        }
        self.keyColumns = keyColumns
        self.source = source
    }

    /// The record for the `rowNumber`th row (1-based).
    public func record(row: [(String, JSONValue)], rowNumber: Int) throws(DesiredStateError) -> DeclaredRecord {
        let origin = DeclaredOrigin(source: source, line: rowNumber)
        var keyValues: [JSONValue] = []
        for column in keyColumns {
            guard let value = row.first(where: { $0.0 == column })?.1 else {
                throw .missingKeyColumn(column: column, source: source)
            }
            if value == .null { throw .nullKey(column: column, origin: origin) }
            keyValues.append(value)
        }
        let key: String
        if keyValues.count == 1 {
            switch keyValues[0] {
            case let .string(text): key = text
            case let .number(literal): key = literal
            case let .bool(flag): key = flag ? "true" : "false"
            default: key = keyValues[0].compactText
            }
        } else {
            key = JSONValue.array(keyValues).compactText
        }
        return DeclaredRecord(key: key, value: Array(JSONValue.object(row).compactText.utf8), origin: origin)
    }
}
