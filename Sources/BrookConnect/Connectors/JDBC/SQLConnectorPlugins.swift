/// The SQL connector plugins: `PostgresSink` and `SQLiteSink` (one dialect each), Confluent's
/// `io.confluent.connect.jdbc.JdbcSinkConnector` (the dialect follows `connection.url`), and
/// `PostgresSource` (also as `io.confluent.connect.jdbc.JdbcSourceConnector`). All sinks share
/// `JDBCSinkTask`.
extension ConnectorPlugins {
    static let sqlConnectionKeys: [ConnectConfigKey] = [
        .init("connection.url", .string, required: true, importance: .high, group: "Connection",
              "JDBC connection URL: jdbc:postgresql://host:port/db, postgres://user:password@host:port/db, sqlite:///path or a file path."),
        .init("connection.user", .string, importance: .high, group: "Connection", "JDBC connection user."),
        .init("connection.password", .string, importance: .high, group: "Connection", "JDBC connection password."),
    ]

    static let jdbcSinkKeys: [ConnectConfigKey] = sqlConnectionKeys + [
        .init("table.name.format", .string, default: "${topic}", importance: .medium, group: "Data Mapping",
              "A format string for the destination table name, which may contain '${topic}' for the originating topic name."),
        .init("insert.mode", .string, default: "insert", importance: .high, group: "Writes", allowed: ["insert", "upsert", "update"],
              "The insertion mode to use: insert, upsert (INSERT ... ON CONFLICT DO UPDATE) or update."),
        .init("pk.mode", .string, default: "none", importance: .high, group: "Data Mapping",
              allowed: ["none", "kafka", "record_key", "record_value"],
              "The primary key mode (Brook: record_value when pk.fields is set and pk.mode is not)."),
        .init("pk.fields", .list, default: "", importance: .medium, group: "Data Mapping", "List of comma-separated primary key field names."),
        .init("delete.enabled", .boolean, default: "false", importance: .medium, group: "Writes",
              "Whether to treat null record values as deletes. Requires pk.mode to be record_key."),
        .init("auto.create", .boolean, default: "false", importance: .medium, group: "DDL Support",
              "Whether to automatically create the destination table based on record schema if it is found to be missing."),
        .init("auto.evolve", .boolean, default: "false", importance: .medium, group: "DDL Support",
              "Whether to automatically add columns in the table schema when found to be missing relative to the record schema."),
        .init("batch.size", .int, default: "3000", importance: .medium, group: "Writes", minimum: 1,
              "Specifies how many records to attempt to batch together for insertion into the destination table."),
        .init("fields.whitelist", .list, default: "", importance: .medium, group: "Data Mapping",
              "List of comma-separated record value field names (the older name of fields.include)."),
        .init("fields.include", .list, default: "", importance: .medium, group: "Data Mapping",
              "List of comma-separated record value field names. If empty, all fields from the record value are used."),
        .init("quote.sql.identifiers", .string, default: "always", importance: .medium, group: "Data Mapping", allowed: ["always", "never"],
              "When to quote table names, column names, and other identifiers in SQL statements."),
    ]

    static func jdbcSinkCheck(_ config: [String: String]) -> [String: [String]] {
        do throws(SQLConnectorError) {
            let parsed = try JDBCSinkConfig(properties: config)
            _ = try SQLConnectionURL(parsed.connectionURL)
            return [:]
        } catch {
            if error.message.hasPrefix("Missing required") { return [:] }
            let key = ["connection.url", "pk.mode", "pk.fields"].first { error.message.contains("configuration \($0):") } ?? "pk.mode"
            return [key: [error.message]]
        }
    }

    static let postgresSink = ConnectorPlugin(
        className: "PostgresSink", type: .sink, version: "1.0", keys: jdbcSinkKeys, check: jdbcSinkCheck,
        tasks: .replicated(.sink { JDBCSinkTask() }))

    static let sqliteSink = ConnectorPlugin(
        className: "SQLiteSink", type: .sink, version: "1.0", keys: jdbcSinkKeys, check: jdbcSinkCheck,
        tasks: .replicated(.sink { JDBCSinkTask() }))

    static let jdbcSink = ConnectorPlugin(
        className: "io.confluent.connect.jdbc.JdbcSinkConnector", type: .sink, version: "10.8.0-brook", keys: jdbcSinkKeys,
        check: jdbcSinkCheck, tasks: .replicated(.sink { JDBCSinkTask() }))

    static let postgresSource = ConnectorPlugin(className: "PostgresSource", type: .source, version: "1.0",
                                                keys: postgresSourceKeys, check: postgresSourceCheck,
                                                tasks: .single(.source { PostgresSourceTask() }))

    /// Confluent's class name for the same source (PostgreSQL URLs only; modes incrementing and
    /// timestamp+incrementing).
    static let jdbcSource = ConnectorPlugin(className: "io.confluent.connect.jdbc.JdbcSourceConnector", type: .source,
                                            version: "10.8.0-brook", keys: postgresSourceKeys, check: postgresSourceCheck,
                                            tasks: .single(.source { PostgresSourceTask() }))

    static let postgresSourceKeys: [ConnectConfigKey] = sqlConnectionKeys + [
            .init("mode", .string, required: true, importance: .high, group: "Mode", allowed: ["incrementing", "timestamp+incrementing"],
                  "The mode for updating a table each time it is polled."),
            .init("incrementing.column.name", .string, required: true, importance: .medium, group: "Mode",
                  "The name of the strictly incrementing column to use to detect new rows."),
            .init("timestamp.column.name", .string, importance: .medium, group: "Mode",
                  "The name of the timestamp column to use to detect new or modified rows (timestamp+incrementing)."),
            .init("timestamp.delay.interval.ms", .long, default: "0", importance: .high, group: "Mode", minimum: 0,
                  "How long to wait after a row with certain timestamp appears before we include it in the result."),
            .init("table.whitelist", .list, default: "", importance: .medium, group: "Database", "List of tables to include in copying."),
            .init("query", .string, default: "", importance: .medium, group: "Mode",
                  "If specified, the query to perform to select new or updated rows (instead of table.whitelist)."),
            .init("topic.prefix", .string, default: "", importance: .high, group: "Connector",
                  "Prefix to prepend to table names to generate the name of the Kafka topic to publish data to (the whole name in query mode)."),
            .init("poll.interval.ms", .int, default: "5000", importance: .high, group: "Connector", minimum: 1,
                  "Frequency in ms to poll for new data in each table."),
            .init("batch.max.rows", .int, default: "100", importance: .low, group: "Connector", minimum: 1,
                  "Maximum number of rows to include in a single batch when polling for new data."),
    ]

    static func postgresSourceCheck(_ config: [String: String]) -> [String: [String]] {
        do throws(SQLConnectorError) {
            _ = try PostgresSourceConfig(properties: config)
            return [:]
        } catch {
            if error.message.hasPrefix("Missing required") { return [:] }
            let key = ["connection.url", "mode", "topic.prefix"].first { error.message.contains("configuration \($0):") } ?? "query"
            return [key: [error.message]]
        }
    }
}
