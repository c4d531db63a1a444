/// The SQL sinks' configuration (Confluent's `JdbcSinkConfig`: same names, defaults and meanings).
public struct JDBCSinkConfig: Sendable, Hashable {
    /// `insert.mode`.
    public enum InsertMode: String, Sendable, Hashable {
        case insert, upsert, update
    }

    /// `pk.mode`: where the primary key columns come from.
    public enum PrimaryKeyMode: String, Sendable, Hashable {
        case none, kafka
        case recordKey = "record_key"
        case recordValue = "record_value"
    }

    /// `quote.sql.identifiers`.
    public enum QuoteIdentifiers: String, Sendable, Hashable {
        case always, never
    }

    public var connectionURL: String
    public var user: String?
    public var password: String?
    /// `table.name.format`: `${topic}` is replaced by the record's topic.
    public var tableNameFormat: String
    public var insertMode: InsertMode
    public var pkMode: PrimaryKeyMode
    public var pkFields: [String]
    public var deleteEnabled: Bool
    public var autoCreate: Bool
    public var autoEvolve: Bool
    public var batchSize: Int
    /// `fields.whitelist` (Confluent's older name) or `fields.include`: the value fields written;
    /// empty means all.
    public var fieldsInclude: [String]
    public var quoteIdentifiers: QuoteIdentifiers

    /// Confluent's default names of the `pk.mode=kafka` columns.
    static let kafkaCoordinateColumns = ["__connect_topic", "__connect_partition", "__connect_offset"]
    /// Confluent's default column of a primitive key under `pk.mode=record_key`.
    static let defaultKeyColumn = "__connect_key"

    public init(properties: [String: String]) throws(SQLConnectorError) {
        let reader = SQLConfigReader(properties: properties)
        connectionURL = try reader.required("connection.url")
        user = reader.string("connection.user")
        password = properties["connection.password"]
        tableNameFormat = reader.string("table.name.format") ?? "${topic}"
        insertMode = try reader.choice("insert.mode", default: .insert)
        pkFields = reader.list("pk.fields")
        // Brook's one departure from Confluent's default: `pk.fields` without `pk.mode` names fields
        // of the value (what `"insert.mode":"upsert","pk.fields":"order_id"` means to its writer),
        // where Confluent's `none` would fail the task at its first upsert.
        pkMode = try reader.choice("pk.mode", default: pkFields.isEmpty ? .none : .recordValue)
        deleteEnabled = try reader.bool("delete.enabled", default: false)
        autoCreate = try reader.bool("auto.create", default: false)
        autoEvolve = try reader.bool("auto.evolve", default: false)
        batchSize = try reader.int("batch.size", default: 3000, minimum: 1)
        let include = reader.list("fields.include")
        fieldsInclude = include.isEmpty ? reader.list("fields.whitelist") : include
        quoteIdentifiers = try reader.choice("quote.sql.identifiers", default: .always)
        // Confluent's JdbcSinkConfig checks: deletes need the key to name the row.
        if deleteEnabled && pkMode != .recordKey {
            throw .config("pk.mode", pkMode.rawValue, "Primary key mode must be 'record_key' when delete support is enabled")
        }
        if insertMode != .insert && pkMode == .none {
            throw .config("pk.mode", pkMode.rawValue, "insert.mode=\(insertMode.rawValue) needs primary key columns (pk.mode other than none)")
        }
        if pkMode == .kafka && !pkFields.isEmpty && pkFields.count != 3 {
            throw .config("pk.fields", pkFields.joined(separator: ","),
                          "PK mode for kafka requires exactly 3 fields (topic, partition, offset) or none")
        }
    }

    /// The table a record of `topic` goes to.
    public func tableName(topic: String) -> String {
        tableNameFormat.replacingAll("${topic}", with: topic)
    }
}

