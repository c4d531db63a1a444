/// PostgreSQL's side of the SQL connectors (Confluent's `PostgreSqlDatabaseDialect` types):
/// `$n` parameters, at most 65535 of them per statement.
public struct PostgresDialect: SQLDialect {
    public init() {}

    public var name: String { "PostgreSQL" }

    public func placeholder(_ index: Int) -> String { "$" + String(index) }

    public var maximumParameters: Int { Int(UInt16.max) }

    public func columnType(for schema: ConnectSchema) -> String? {
        switch ConnectLogicalType(schemaName: schema.name) {
        case .decimal?: return "DECIMAL"
        case .date?: return "DATE"
        case .time?: return "TIME"
        case .timestamp?: return "TIMESTAMP"
        case nil: break
        }
        switch schema.type {
        case .int8, .int16: return "SMALLINT"
        case .int32: return "INT"
        case .int64: return "BIGINT"
        case .float32: return "REAL"
        case .float64: return "DOUBLE PRECISION"
        case .boolean: return "BOOLEAN"
        case .string: return "TEXT"
        case .bytes: return "BYTEA"
        case .array, .map, .struct: return nil
        }
    }
}
