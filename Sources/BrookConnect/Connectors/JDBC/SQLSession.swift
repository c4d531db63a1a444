/// One open connection to a database, as the SQL connectors use it; used by one task at a time.
/// Implemented over PostgresNIO (`PostgresSession`) and SQLiteNIO (`SQLiteSession`).
public protocol SQLSession: Sendable {
    var dialect: any SQLDialect { get }
    /// Runs a statement with bound parameters.
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    /// Runs a query and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> SQLRows
    /// The column names of `table`, or nil when it does not exist.
    func columns(of table: SQLTableID) async throws -> [String]?
    /// The primary key columns of `table` in key order (empty: none or no such table).
    func primaryKey(of table: SQLTableID) async throws -> [String]
    /// What kind of failure `error` (thrown by this session) is.
    func classify(_ error: any Error) -> SQLFailure
    /// A readable account of `error` for logs and errant-record reports (the database's own
    /// message; PostgresNIO's `description` hides it on purpose).
    func describe(_ error: any Error) -> String
    func close() async
}

/// How the connectors react to a database error.
public enum SQLFailure: Sendable, Hashable {
    /// The data of one statement was refused (a constraint, a value that does not fit): the other
    /// rows can still be written.
    case data
    /// The connection is gone or the database is unavailable: the same work may succeed later.
    case connection
    /// Anything else (bad SQL, missing privileges): fails the task.
    case other
}

/// A query's result: the columns (name and the Connect schema their values fit) and rows.
public struct SQLRows: Sendable {
    public var columns: [SQLResultColumn]
    public var rows: [[SQLValue]]

    public init(columns: [SQLResultColumn], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// A result column: its name and the (optional) Connect schema of its values.
public struct SQLResultColumn: Sendable, Hashable {
    public var name: String
    public var schema: ConnectSchema

    public init(name: String, schema: ConnectSchema) {
        self.name = name
        self.schema = schema
    }
}

