import Logging
import NIOCore
import PostgresNIO

/// A `SQLSession` over one PostgresNIO connection. Parameters are sent in text format with an
/// unspecified type, so the server types each from where it is used (the target column, the
/// compared column) — one encoding for every column type. The session's time zone is UTC, so
/// TIMESTAMP and TIMESTAMPTZ columns read and write the same instants.
public final class PostgresSession: SQLSession {
    public let dialect: any SQLDialect = PostgresDialect()
    private let connection: PostgresConnection
    private let logger: Logger

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects (no TLS) and sets the session up.
    public static func connect(host: String, port: Int, database: String, user: String, password: String?,
                               logger: Logger = Logger(label: "brook.connect.postgres")) async throws -> PostgresSession {
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        let session = PostgresSession(connection: connection, logger: logger)
        do {
            try await session.execute("SET TIME ZONE 'UTC'", [])
        } catch {
            await session.close()
            throw error
        }
        return session
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try await connection.query(Self.query(sql, binds), logger: logger).collect()
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> SQLRows {
        var columns: [SQLResultColumn] = []
        var rows: [[SQLValue]] = []
        var columnTypes: [UInt32] = []
        for try await row in try await connection.query(Self.query(sql, binds), logger: logger) {
            var values: [SQLValue] = []
            values.reserveCapacity(row.count)
            for cell in row {
                let oid = cell.dataType.rawValue
                let value: SQLValue
                if cell.format == .text {
                    value = cell.bytes.map { .text(String(buffer: $0)) } ?? .null
                } else {
                    value = try PostgresValueDecoder.decode(oid: oid, binary: cell.bytes.map { Array($0.readableBytesView) })
                }
                values.append(value)
                if rows.isEmpty { columnTypes.append(oid) }
            }
            if rows.isEmpty {
                columns = zip(row, values).map { cell, value in
                    SQLResultColumn(name: cell.columnName, schema: PostgresValueDecoder.schema(oid: cell.dataType.rawValue, value: value))
                }
            } else {
                // A column whose first value was NULL takes its schema from the first non-null one.
                for index in values.indices where index < columns.count && values[index] != .null
                    && rows.allSatisfy({ $0[index] == .null }) {
                    columns[index].schema = PostgresValueDecoder.schema(oid: columnTypes[index], value: values[index])
                }
            }
            rows.append(values)
        }
        return SQLRows(columns: columns, rows: rows)
    }

    public func columns(of table: SQLTableID) async throws -> [String]? {
        let result = try await query("""
            SELECT column_name::text FROM information_schema.columns
            WHERE table_schema = COALESCE($1::text, current_schema()) AND table_name = $2::text ORDER BY ordinal_position
            """, [table.schema.map(SQLValue.text) ?? .null, .text(table.table)])
        let names = result.rows.compactMap { row -> String? in if case let .text(name) = row.first { name } else { nil } }
        return names.isEmpty ? nil : names
    }

    public func primaryKey(of table: SQLTableID) async throws -> [String] {
        let quoted = SQLIdentifierQuoting(quote: true).table(table)
        let result = try await query("""
            SELECT a.attname::text FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1::text) AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)
            """, [.text(quoted)])
        return result.rows.compactMap { row -> String? in if case let .text(name) = row.first { name } else { nil } }
    }

    public func classify(_ error: any Error) -> SQLFailure {
        if error is SQLConnectorError || error is RetriableConnectError { return error is RetriableConnectError ? .connection : .other }
        guard let error = error as? PSQLError else { return .connection }   // NIO's socket errors
        guard error.code == .server else {
            switch error.code {
            case .tooManyParameters, .invalidCommandTag, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
                return .other
            default:
                return .connection
            }
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        // SQLSTATE classes: 22 data exception, 23 integrity constraint violation; 08 connection
        // exception, 53 insufficient resources, 57P admin shutdown / crash / cannot connect now.
        if state.hasPrefix("22") || state.hasPrefix("23") { return .data }
        if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") { return .connection }
        return .other
    }

    public func describe(_ error: any Error) -> String {
        Self.describe(error)
    }

    /// The server's SQLSTATE and message (and detail), or the client's error code.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            var text = "\(info[.sqlState] ?? "?"): \(message)"
            if let detail = info[.detail] { text += " (\(detail))" }
            return text
        }
        return "PostgreSQL \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }

    public func close() async {
        try? await connection.close()
    }

    private static func query(_ sql: String, _ binds: [SQLValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            if let text = value.parameterText {
                try bindings.append(TextParameter(text: text))
            } else {
                bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// A parameter in text format with type OID 0 (unspecified): the server infers its type.
    private struct TextParameter: PostgresThrowingDynamicTypeEncodable {
        var text: String
        var psqlType: PostgresDataType { .null }
        var psqlFormat: PostgresFormat { .text }

        func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
            byteBuffer.writeString(text)
        }
    }
}
