/// ksqlDB's keywords (the token list of its SqlBase.g4). Words in `reserved` cannot be unquoted
/// identifiers; the rest of the keywords (the grammar's `nonReserved` rule) can, e.g. a column named
/// `timestamp` or `key`.
enum Keywords {
    static let all: Set<String> = [
        "EMIT", "CHANGES", "FINAL", "SELECT", "FROM", "AS", "ALL", "DISTINCT", "WHERE", "WITHIN", "WINDOW",
        "GROUP", "BY", "HAVING", "LIMIT", "AT", "OR", "AND", "IN", "NOT", "EXISTS", "BETWEEN", "LIKE",
        "ESCAPE", "IS", "NULL", "TRUE", "FALSE", "INTEGER", "DATE", "TIME", "TIMESTAMP", "INTERVAL",
        "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "YEARS", "MONTHS", "DAYS",
        "HOURS", "MINUTES", "SECONDS", "MILLISECONDS", "ZONE", "TUMBLING", "HOPPING", "SIZE", "ADVANCE",
        "RETENTION", "GRACE", "PERIOD", "CASE", "WHEN", "THEN", "ELSE", "END", "JOIN", "FULL", "OUTER",
        "INNER", "LEFT", "RIGHT", "ON", "PARTITION", "STRUCT", "WITH", "VALUES", "CREATE", "TABLE",
        "TOPIC", "STREAM", "STREAMS", "INSERT", "DELETE", "INTO", "DESCRIBE", "EXTENDED", "PRINT",
        "EXPLAIN", "ANALYZE", "TYPE", "TYPES", "CAST", "SHOW", "LIST", "TABLES", "TOPICS", "QUERY",
        "QUERIES", "TERMINATE", "PAUSE", "RESUME", "LOAD", "COLUMNS", "COLUMN", "PARTITIONS", "FUNCTIONS",
        "FUNCTION", "DROP", "TO", "RENAME", "ARRAY", "MAP", "SET", "DEFINE", "UNDEFINE", "RESET",
        "SESSION", "SAMPLE", "EXPORT", "CATALOG", "PROPERTIES", "BEGINNING", "UNSET", "RUN", "SCRIPT",
        "DECIMAL", "KEY", "CONNECTOR", "CONNECTORS", "SINK", "SOURCE", "NAMESPACE", "MATERIALIZED", "VIEW",
        "PRIMARY", "REPLACE", "ASSERT", "ADD", "ALTER", "VARIABLES", "PLUGINS", "HEADERS", "HEADER",
        "SYSTEM", "TIMEOUT", "SCHEMA", "SUBJECT", "ID", "IF",
    ]

    /// The grammar's `nonReserved` rule (plus STRING, which it lists as a literal).
    static let nonReserved: Set<String> = [
        "SHOW", "TABLES", "COLUMNS", "COLUMN", "PARTITIONS", "FUNCTIONS", "FUNCTION", "SESSION", "STRUCT",
        "MAP", "ARRAY", "PARTITION", "INTEGER", "DATE", "TIME", "TIMESTAMP", "INTERVAL", "ZONE", "STRING",
        "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "EXPLAIN", "ANALYZE", "TYPE", "TYPES", "SET",
        "RESET", "IF", "SOURCE", "SINK", "PRIMARY", "KEY", "EMIT", "CHANGES", "FINAL", "ESCAPE", "REPLACE",
        "ASSERT", "ALTER", "ADD", "HEADER", "HEADERS", "GRACE", "PERIOD", "DEFINE", "UNDEFINE", "VARIABLES",
        "PLUGINS", "SYSTEM", "TIMEOUT", "SCHEMA", "SUBJECT", "ID",
    ]

    static let reserved: Set<String> = all.subtracting(nonReserved)

    /// Whether `name` prints as an unquoted identifier and reads back as the same name.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
              (first.value >= 65 && first.value <= 90) || first == "_" else { return false }
        for scalar in name.unicodeScalars {
            let upperLetter = scalar.value >= 65 && scalar.value <= 90
            guard upperLetter || SQLLexer.isDigit(scalar) || scalar == "_" || scalar == "@" else { return false }
        }
        return !reserved.contains(name)
    }
}
