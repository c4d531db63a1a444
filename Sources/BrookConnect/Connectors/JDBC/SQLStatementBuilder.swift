/// Builds the sinks' statements as text with parameter markers (values are always bound, never
/// written into the text; only DDL defaults, which come from schemas, are literals). Sans-IO.
public struct SQLStatementBuilder: Sendable {
    public let dialect: any SQLDialect
    public let quoting: SQLIdentifierQuoting

    public init(dialect: any SQLDialect, quoting: SQLIdentifierQuoting) {
        self.dialect = dialect
        self.quoting = quoting
    }

    private func names(_ columns: [String]) -> String {
        columns.map(quoting.identifier).joined(separator: ", ")
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for `rows` rows.
    public func insert(into table: SQLTableID, columns: [String], rows: Int) -> String {
        var sql = "INSERT INTO \(quoting.table(table)) (\(names(columns))) VALUES "
        var index = 1
        for row in 0..<rows {
            if row > 0 { sql += ", " }
            sql += "("
            for column in columns.indices {
                if column > 0 { sql += ", " }
                sql += dialect.placeholder(index)
                index += 1
            }
            sql += ")"
        }
        return sql
    }

    /// The insert with `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c` for the other columns
    /// (`DO NOTHING` when every column is a key column).
    public func upsert(into table: SQLTableID, keyColumns: [String], otherColumns: [String], rows: Int) -> String {
        let conflict = " ON CONFLICT (\(names(keyColumns))) DO "
        let action = otherColumns.isEmpty ? "NOTHING"
            : "UPDATE SET " + otherColumns.map { "\(quoting.identifier($0)) = EXCLUDED.\(quoting.identifier($0))" }.joined(separator: ", ")
        return insert(into: table, columns: keyColumns + otherColumns, rows: rows) + conflict + action
    }

    /// `UPDATE t SET a = $1 WHERE k = $2`: the other columns' values first, then the keys'.
    public func update(_ table: SQLTableID, keyColumns: [String], otherColumns: [String]) -> String {
        var index = 0
        func next() -> String { index += 1; return dialect.placeholder(index) }
        let sets = otherColumns.map { "\(quoting.identifier($0)) = \(next())" }.joined(separator: ", ")
        let condition = keyColumns.map { "\(quoting.identifier($0)) = \(next())" }.joined(separator: " AND ")
        return "UPDATE \(quoting.table(table)) SET \(sets) WHERE \(condition)"
    }

    /// `DELETE FROM t WHERE k = $1`.
    public func delete(from table: SQLTableID, keyColumns: [String]) -> String {
        let condition = keyColumns.enumerated().map { "\(quoting.identifier($1)) = \(dialect.placeholder($0 + 1))" }
        return "DELETE FROM \(quoting.table(table)) WHERE " + condition.joined(separator: " AND ")
    }

    /// `CREATE TABLE t (k BIGINT NOT NULL, v TEXT NULL, PRIMARY KEY(k))` (Confluent's
    /// `buildCreateTableStatement`).
    public func createTable(_ table: SQLTableID, columns: [SQLColumnDefinition], keyColumns: [String]) throws(SQLConnectorError) -> String {
        var parts: [String] = []
        for column in columns {
            parts.append(try definition(column, forceNotNull: keyColumns.contains(column.name)))
        }
        if !keyColumns.isEmpty { parts.append("PRIMARY KEY(\(names(keyColumns)))") }
        return "CREATE TABLE \(quoting.table(table)) (\n" + parts.map { "  " + $0 }.joined(separator: ",\n") + ")"
    }

    /// One `ALTER TABLE t ADD c TYPE NULL` per column (SQLite adds one column per statement).
    public func addColumns(_ table: SQLTableID, columns: [SQLColumnDefinition]) throws(SQLConnectorError) -> [String] {
        var statements: [String] = []
        for column in columns {
            statements.append("ALTER TABLE \(quoting.table(table)) ADD \(try definition(column, forceNotNull: false))")
        }
        return statements
    }

    private func definition(_ column: SQLColumnDefinition, forceNotNull: Bool) throws(SQLConnectorError) -> String {
        guard let type = dialect.columnType(for: column.schema) else {
            throw SQLConnectorError("\(dialect.name) dialect does not support type \(column.schema.name ?? column.schema.type.rawValue) of field \(column.name)")
        }
        var text = "\(quoting.identifier(column.name)) \(type)"
        if let fallback = column.schema.defaultValue, let literal = Self.defaultLiteral(fallback, schema: column.schema) {
            text += " DEFAULT " + literal
        }
        text += column.isOptional && !forceNotNull ? " NULL" : " NOT NULL"
        return text
    }

    /// A schema default as a SQL literal; nil for kinds written without one (bytes, logical types).
    static func defaultLiteral(_ value: ConnectValue, schema: ConnectSchema) -> String? {
        guard schema.name == nil else { return nil }
        switch value {
        case let .int8(v): return String(v)
        case let .int16(v): return String(v)
        case let .int32(v): return String(v)
        case let .int64(v): return String(v)
        case let .float32(v): return v.isFinite ? "\(v)" : nil
        case let .float64(v): return v.isFinite ? "\(v)" : nil
        case let .boolean(v): return v ? "TRUE" : "FALSE"
        case let .string(v): return "'" + v.replacingAll("'", with: "''") + "'"
        default: return nil
        }
    }
}
