import BrookSchemas
import Logging

/// The PostgreSQL source's task (Confluent's `JdbcSourceTask` in incrementing and
/// timestamp+incrementing modes): polls each table (or the query) every `poll.interval.ms` for rows
/// past its offset, at most `batch.max.rows` at a time, and returns them as records whose value is
/// a struct of the row's columns (named after the table; every field optional) and whose key is
/// null, as Confluent's (a key can be made with the ValueToKey transform). Starts from the
/// committed offset of each partition.
public actor PostgresSourceTask: SourceTask {
    public typealias Opener = @Sendable (PostgresSourceConfig) async throws -> any SQLSession

    private let open: Opener
    private let logger: Logger
    private var config: PostgresSourceConfig?
    private var queries: [PostgresSourceQuery] = []
    /// When each query may run next (ContinuousClock instants).
    private var due: [ContinuousClock.Instant] = []
    private var next = 0
    private var session: (any SQLSession)?
    private var stopped = false

    public init(logger: Logger = Logger(label: "brook.connect.postgres-source"), open: @escaping Opener = PostgresSourceTask.openSession) {
        self.open = open
        self.logger = logger
    }

    @Sendable public static func openSession(_ config: PostgresSourceConfig) async throws -> any SQLSession {
        try await SQLSessions.open(url: config.connectionURL, user: config.user, password: config.password)
    }

    public func start(config properties: [String: String], context: any SourceTaskContext) async throws {
        let config = try PostgresSourceConfig(properties: properties)
        self.config = config
        queries = config.query != nil ? [PostgresSourceQuery(table: nil, config: config)]
            : config.tables.map { PostgresSourceQuery(table: $0, config: config) }
        for index in queries.indices {
            queries[index].restore(from: try await context.offset(for: queries[index].partition))
        }
        due = Array(repeating: .now, count: queries.count)
        stopped = false
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, !queries.isEmpty, !stopped else { return [] }
        // The first query that is due, round-robin; otherwise wait (at most a second) for the next.
        let now = ContinuousClock.now
        guard let index = (0..<queries.count).map({ (next + $0) % queries.count }).first(where: { due[$0] <= now }) else {
            let wait = min(due.min()! - now, .seconds(1))
            try? await Task.sleep(for: wait)
            return []
        }
        next = (index + 1) % queries.count
        let session = try await connectedSession(config)
        let (sql, binds) = queries[index].statement()
        let result: SQLRows
        do {
            result = try await session.query(sql, binds)
        } catch {
            if session.classify(error) == .connection {
                await session.close()
                self.session = nil
                throw RetriableConnectError("PostgreSQL connection failed: \(session.describe(error))")
            }
            throw SQLConnectorError("\(queries[index].table ?? "query") failed: \(session.describe(error))")
        }
        // A full batch means more rows wait: poll this query again at once.
        due[index] = result.rows.count >= config.batchMaxRows ? .now : .now + .milliseconds(config.pollIntervalMilliseconds)
        return try records(result, query: &queries[index])
    }

    public func stop() async {
        stopped = true
        await session?.close()
        session = nil
    }

    private func records(_ result: SQLRows, query: inout PostgresSourceQuery) throws -> [SourceRecord] {
        guard !result.rows.isEmpty else { return [] }
        var schema = try ConnectSchema.struct(name: query.table, [])
        for column in result.columns { try schema.addField(column.name, column.schema) }
        var out: [SourceRecord] = []
        out.reserveCapacity(result.rows.count)
        for row in result.rows {
            var value = try ConnectStruct(schema: schema)
            for (index, column) in result.columns.enumerated() {
                try value.put(column.name, connectValue(row[index], schema: column.schema))
            }
            try query.advance(columns: result.columns, row: row)
            out.append(SourceRecord(record: ConnectRecord(topic: query.topic, valueSchema: schema, value: .struct(value)),
                                    sourcePartition: query.partition, sourceOffset: query.offsetJSON))
        }
        return out
    }

    private func connectedSession(_ config: PostgresSourceConfig) async throws -> any SQLSession {
        if let session { return session }
        do {
            let session = try await open(config)
            self.session = session
            return session
        } catch let error as SQLConnectorError {
            throw error
        } catch {
            throw RetriableConnectError("cannot connect to \(config.connectionURL): \(SQLSessions.describe(error))")
        }
    }
}

/// A SQL value as the Connect value of its column's schema (Confluent's `DataConverter`).
func connectValue(_ value: SQLValue, schema: ConnectSchema) throws(SQLConnectorError) -> ConnectValue {
    switch (value, schema.type) {
    case (.null, _): return .null
    case let (.integer(v), .int16):
        guard let narrow = Int16(exactly: v) else { throw SQLConnectorError("\(v) does not fit INT16") }
        return .int16(narrow)
    case let (.integer(v), .int32):
        guard let narrow = Int32(exactly: v) else { throw SQLConnectorError("\(v) does not fit INT32") }
        return .int32(narrow)
    case let (.integer(v), .int64): return .int64(v)
    case let (.integer(v), .string): return .string(String(v))
    case let (.real(v), .float32): return .float32(Float(v))
    case let (.real(v), .float64): return .float64(v)
    case let (.boolean(v), _): return .boolean(v)
    case let (.text(v), _): return .string(v)
    case let (.bytes(v), _): return .bytes(v)
    case let (.decimal(v), _):
        let scale = (try? ConnectLogicalType.decimalScale(of: schema)) ?? v.scale
        guard scale == v.scale else { throw SQLConnectorError("decimal \(v) does not have the column's scale \(scale)") }
        return .decimal(v)
    case let (.date(days), _): return .timestamp(Int64(days) * ConnectLogicalType.millisPerDay)
    case let (.time(micros), _): return .timestamp(micros / 1000)
    case let (.timestamp(micros), _): return .timestamp(SQLTemporal.floorDivide(micros, 1000).0)
    default: throw SQLConnectorError("value \(value) does not fit \(schema)")
    }
}
