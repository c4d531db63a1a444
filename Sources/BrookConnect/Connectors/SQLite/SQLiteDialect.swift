/// SQLite's side of the SQL connectors (Confluent's `SqliteDatabaseDialect` types): `?n`
/// parameters, at most 32766 per statement. Temporal values are stored as ISO-8601 text
/// (`YYYY-MM-DD`, `HH:MM:SS[.ffffff]`, `YYYY-MM-DD HH:MM:SS[.ffffff]`), which SQLite's date
/// functions read; booleans as 0/1.
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public var name: String { "SQLite" }

    public func placeholder(_ index: Int) -> String { "?" + String(index) }

    public var maximumParameters: Int { 32_766 }

    public func columnType(for schema: ConnectSchema) -> String? {
        if ConnectLogicalType(schemaName: schema.name) != nil { return "NUMERIC" }
        switch schema.type {
        case .int8, .int16, .int32, .int64, .boolean: return "INTEGER"
        case .float32, .float64: return "REAL"
        case .string: return "TEXT"
        case .bytes: return "BLOB"
        case .array, .map, .struct: return nil
        }
    }
}
