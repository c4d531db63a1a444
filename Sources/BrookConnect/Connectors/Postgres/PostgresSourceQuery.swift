import BrookSchemas

/// What the PostgreSQL source reads next from one table (or query) and where it is: the query with
/// its parameters for the current offset, the partition and offset objects Confluent's JDBC source
/// stores (`{"table": …}` or `{"query": "query"}`; `{"incrementing": n}` or
/// `{"timestamp": ms, "timestamp_nanos": ns, "incrementing": n}`), and how a row moves the offset.
/// Sans-IO.
public struct PostgresSourceQuery: Sendable, Hashable {
    /// The position after the last row read.
    public struct Offset: Sendable, Hashable {
        public var incrementing: Int64 = -1
        /// Microseconds since the epoch (PostgreSQL's precision); nil before the first row.
        public var timestampMicros: Int64?

        public init(incrementing: Int64 = -1, timestampMicros: Int64? = nil) {
            self.incrementing = incrementing
            self.timestampMicros = timestampMicros
        }
    }

    public let table: String?
    public let config: PostgresSourceConfig
    public var offset = Offset()

    public init(table: String?, config: PostgresSourceConfig) {
        self.table = table
        self.config = config
    }

    public var topic: String { config.topicPrefix + (table ?? "") }

    public var partition: JSONValue {
        table.map { .object([("table", .string($0))]) } ?? .object([("query", .string("query"))])
    }

    public var offsetJSON: JSONValue {
        var members: [(String, JSONValue)] = []
        if config.mode == .timestampIncrementing, let micros = offset.timestampMicros {
            let (seconds, rest) = SQLTemporal.floorDivide(micros, 1_000_000)
            members.append(("timestamp", JSONValue(integer: seconds * 1000 + rest / 1000)))
            members.append(("timestamp_nanos", JSONValue(integer: rest * 1000)))
        }
        members.append(("incrementing", JSONValue(integer: offset.incrementing)))
        return .object(members)
    }

    /// Restores the position from a committed offset object (unknown fields, and a timestamp
    /// beyond what microseconds since the epoch can hold, are ignored).
    public mutating func restore(from json: JSONValue?) {
        guard let json else { return }
        if case let .number(text)? = json["incrementing"], let value = Int64(text) { offset.incrementing = value }
        if case let .number(millisText)? = json["timestamp"], let millis = Int64(millisText) {
            let (seconds, millisRest) = SQLTemporal.floorDivide(millis, 1000)
            var nanos = millisRest * 1_000_000
            if case let .number(nanosText)? = json["timestamp_nanos"], let value = Int64(nanosText), (0..<1_000_000_000).contains(value) {
                nanos = value
            }
            let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
            if !overflow, case let (total, false) = micros.addingReportingOverflow(nanos / 1000) {
                offset.timestampMicros = total
            }
        }
    }

    /// The statement for the next batch and its parameters.
    public func statement() -> (sql: String, binds: [SQLValue]) {
        let quoting = SQLIdentifierQuoting(quote: true)
        let source = table.map { quoting.table(SQLTableID(parsing: $0)) } ?? "(\(config.query ?? "")) AS brook_query"
        let inc = quoting.identifier(config.incrementingColumn)
        switch config.mode {
        case .incrementing:
            return ("SELECT * FROM \(source) WHERE \(inc) > $1 ORDER BY \(inc) ASC LIMIT \(config.batchMaxRows)",
                    [.integer(offset.incrementing)])
        case .timestampIncrementing:
            let ts = quoting.identifier(config.timestampColumn ?? "")
            // Confluent's TimestampIncrementingCriteria: rows strictly before "now − delay", after the
            // last (timestamp, id) pair in that order.
            let sql = "SELECT * FROM \(source) WHERE \(ts) < LOCALTIMESTAMP - $1::double precision * INTERVAL '1 millisecond'"
                + " AND ((\(ts) = $2 AND \(inc) > $3) OR \(ts) > $2) ORDER BY \(ts) ASC, \(inc) ASC LIMIT \(config.batchMaxRows)"
            return (sql, [.integer(Int64(config.timestampDelayMilliseconds)), .timestamp(micros: offset.timestampMicros ?? 0),
                          .integer(offset.incrementing)])
        }
    }

    /// Moves the offset past `row` (values in `columns` order); throws when the row lacks the
    /// offset columns or they are NULL.
    public mutating func advance(columns: [SQLResultColumn], row: [SQLValue]) throws(SQLConnectorError) {
        guard let incIndex = columns.firstIndex(where: { $0.name == config.incrementingColumn }),
              case let .integer(inc) = row[incIndex] else {
            throw SQLConnectorError("Incrementing column \(config.incrementingColumn) is missing or not an integer in the result of \(table ?? "the query")")
        }
        offset.incrementing = inc
        if config.mode == .timestampIncrementing {
            guard let tsIndex = columns.firstIndex(where: { $0.name == config.timestampColumn }),
                  case let .timestamp(micros) = row[tsIndex] else {
                throw SQLConnectorError("Timestamp column \(config.timestampColumn ?? "") is missing or not a timestamp in the result of \(table ?? "the query")")
            }
            offset.timestampMicros = micros
        }
    }
}
