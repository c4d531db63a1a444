import Logging
import NIOCore
import SQLiteNIO

/// A `SQLSession` over one SQLiteNIO connection to a database file (created when missing).
public final class SQLiteSession: SQLSession {
    public let dialect: any SQLDialect = SQLiteDialect()
    private let connection: SQLiteConnection

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    public static func open(path: String, logger: Logger = Logger(label: "brook.connect.sqlite")) async throws -> SQLiteSession {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let session = SQLiteSession(connection: connection)
        // Another writer (a second task, a person's sqlite3) waits instead of failing at once.
        try await session.execute("PRAGMA busy_timeout = 5000", [])
        return session
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try await connection.query(sql, binds.map(Self.data))
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> SQLRows {
        let rows = try await connection.query(sql, binds.map(Self.data))
        guard let first = rows.first else { return SQLRows(columns: [], rows: []) }
        let values = rows.map { row in row.columns.map { Self.value($0.data) } }
        var columns = first.columns.map { SQLResultColumn(name: $0.name, schema: .optionalString) }
        for index in columns.indices {
            // SQLite types values, not columns: a column's schema is its first non-null value's.
            switch values.lazy.map({ $0[index] }).first(where: { $0 != .null }) {
            case .integer?: columns[index].schema = .optionalInt64
            case .real?: columns[index].schema = .optionalFloat64
            case .bytes?: columns[index].schema = .optionalBytes
            default: break
            }
        }
        return SQLRows(columns: columns, rows: values)
    }

    public func columns(of table: SQLTableID) async throws -> [String]? {
        let result = try await query("SELECT name FROM pragma_table_info(?1)", [.text(table.table)])
        let names = result.rows.compactMap { row -> String? in if case let .text(name) = row.first { name } else { nil } }
        return names.isEmpty ? nil : names
    }

    public func primaryKey(of table: SQLTableID) async throws -> [String] {
        let result = try await query("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", [.text(table.table)])
        return result.rows.compactMap { row -> String? in if case let .text(name) = row.first { name } else { nil } }
    }

    public func classify(_ error: any Error) -> SQLFailure {
        if error is RetriableConnectError { return .connection }
        guard let error = error as? SQLiteError else { return .other }
        let reason = String(describing: error.reason)
        if reason.hasPrefix("constraint") || reason.hasPrefix("mismatch") || reason.hasPrefix("tooBig") || reason.hasPrefix("range") {
            return .data
        }
        if reason.hasPrefix("busy") || reason.hasPrefix("locked") || reason.hasPrefix("ioError") || reason.hasPrefix("full") {
            return .connection
        }
        return .other
    }

    public func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    public func close() async {
        try? await connection.close()
    }

    private static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: return .null
        case let .integer(v): return .integer(SQLiteInt64(v))
        case let .real(v): return .float(v)
        case let .boolean(v): return .integer(v ? 1 : 0)
        case let .text(v): return .text(v)
        case let .bytes(v): return .blob(ByteBuffer(bytes: v))
        case .decimal, .date, .time, .timestamp: return .text(value.parameterText ?? "")
        }
    }

    private static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: return .null
        case let .integer(v): return .integer(Int64(v))
        case let .float(v): return .real(v)
        case let .text(v): return .text(v)
        case let .blob(buffer): return .bytes(Array(buffer.readableBytesView))
        }
    }
}
