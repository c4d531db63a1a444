import Logging

/// Opens the session a `connection.url` names (PostgreSQL or SQLite); `connection.user` and
/// `connection.password` override the URL's own.
public enum SQLSessions {
    public static func open(url text: String, user: String?, password: String?,
                            logger: Logger = Logger(label: "brook.connect.sql")) async throws -> any SQLSession {
        switch try SQLConnectionURL(text) {
        case let .postgres(host, port, database, urlUser, urlPassword):
            return try await PostgresSession.connect(host: host, port: port, database: database,
                                                     user: user ?? urlUser ?? "postgres", password: password ?? urlPassword,
                                                     logger: logger)
        case let .sqlite(path):
            return try await SQLiteSession.open(path: path, logger: logger)
        }
    }

    /// A readable account of an error from opening or using a session.
    public static func describe(_ error: any Error) -> String {
        PostgresSession.describe(error)
    }

    @Sendable public static func open(_ config: JDBCSinkConfig) async throws -> any SQLSession {
        try await open(url: config.connectionURL, user: config.user, password: config.password)
    }
}
