/// The PostgreSQL source's configuration (Confluent's `JdbcSourceConnectorConfig` names and
/// defaults, for the modes Brook has): `mode` incrementing | timestamp+incrementing,
/// `incrementing.column.name`, `timestamp.column.name`, `table.whitelist` or `query`,
/// `topic.prefix`, `poll.interval.ms`, `batch.max.rows`, `timestamp.delay.interval.ms`.
public struct PostgresSourceConfig: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable {
        case incrementing
        case timestampIncrementing = "timestamp+incrementing"
    }

    public var connectionURL: String
    public var user: String?
    public var password: String?
    public var mode: Mode
    public var incrementingColumn: String
    public var timestampColumn: String?
    /// The tables to copy (empty in query mode).
    public var tables: [String]
    public var query: String?
    public var topicPrefix: String
    public var pollIntervalMilliseconds: Int
    public var batchMaxRows: Int
    /// How long a row's timestamp must be in the past before it is read (lets transactions with
    /// earlier timestamps commit first).
    public var timestampDelayMilliseconds: Int

    public init(properties: [String: String]) throws(SQLConnectorError) {
        let reader = SQLConfigReader(properties: properties)
        connectionURL = try reader.required("connection.url")
        guard case .postgres = try SQLConnectionURL(connectionURL) else {
            throw .config("connection.url", connectionURL, "the source reads PostgreSQL only (jdbc:postgresql://… or postgres://…)")
        }
        user = reader.string("connection.user")
        password = properties["connection.password"]
        let modeText = try reader.required("mode")
        guard let mode = Mode(rawValue: modeText) else {
            throw .config("mode", modeText, "String must be one of: incrementing, timestamp+incrementing")
        }
        self.mode = mode
        incrementingColumn = try reader.required("incrementing.column.name")
        timestampColumn = reader.string("timestamp.column.name")
        if mode == .timestampIncrementing && timestampColumn == nil {
            throw SQLConnectorError("Missing required configuration \"timestamp.column.name\" which has no default value.")
        }
        tables = reader.list("table.whitelist")
        query = reader.string("query")
        if tables.isEmpty == (query == nil) {
            throw .config("query", query, "exactly one of table.whitelist and query must be set")
        }
        topicPrefix = reader.string("topic.prefix") ?? ""
        if query != nil && topicPrefix.isEmpty {
            throw .config("topic.prefix", nil, "query mode needs topic.prefix (it is the whole topic name)")
        }
        pollIntervalMilliseconds = try reader.int("poll.interval.ms", default: 5000, minimum: 1)
        batchMaxRows = try reader.int("batch.max.rows", default: 100, minimum: 1)
        timestampDelayMilliseconds = try reader.int("timestamp.delay.interval.ms", default: 0, minimum: 0)
    }
}
