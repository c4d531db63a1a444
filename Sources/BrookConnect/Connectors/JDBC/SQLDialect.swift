/// What differs between the databases the SQL connectors write to: parameter markers, column
/// types for Connect schemas, how many parameters one statement may carry. Statements themselves
/// are shared (`SQLStatementBuilder`): PostgreSQL and SQLite both take `INSERT ... ON CONFLICT
/// (...) DO UPDATE SET c = EXCLUDED.c`.
public protocol SQLDialect: Sendable {
    /// The dialect's name in messages ("PostgreSQL").
    var name: String { get }
    /// The marker of the `index`th (1-based) parameter of a statement.
    func placeholder(_ index: Int) -> String
    /// The most parameters one statement may carry.
    var maximumParameters: Int { get }
    /// The column type for a field of `schema` (Confluent's `getSqlType`); nil when the dialect
    /// has none (arrays, maps, structs).
    func columnType(for schema: ConnectSchema) -> String?
}

/// A table name, split as Confluent's `TableId` splits `table.name.format`'s result: the last
/// dot-separated part is the table, an earlier one its schema.
public struct SQLTableID: Sendable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var table: String

    public init(schema: String? = nil, table: String) {
        self.schema = schema
        self.table = table
    }

    /// `name` as written in `table.name.format` or `table.whitelist` ("orders", "public.orders").
    public init(parsing name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 2, !parts[parts.count - 2].isEmpty, !parts[parts.count - 1].isEmpty {
            self.init(schema: parts[parts.count - 2], table: parts[parts.count - 1])
        } else {
            self.init(table: name)
        }
    }

    public var description: String { schema.map { "\($0).\(table)" } ?? table }
}

/// How identifiers are written into statements (`quote.sql.identifiers`).
public struct SQLIdentifierQuoting: Sendable, Hashable {
    public var quote: Bool

    public init(quote: Bool = true) {
        self.quote = quote
    }

    /// `"name"` with inner quotes doubled (SQL's delimited identifiers), or the name as is.
    public func identifier(_ name: String) -> String {
        guard quote else { return name }
        return "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    public func table(_ id: SQLTableID) -> String {
        id.schema.map { identifier($0) + "." + identifier(id.table) } ?? identifier(id.table)
    }
}
