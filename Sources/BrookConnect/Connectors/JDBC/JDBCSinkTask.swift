import Logging

/// The SQL sinks' task (Confluent's `JdbcSinkTask` with its `BufferedRecords`): `put` buffers
/// records and writes every full `batch.size` batch; `flush` writes the rest. A batch is written in
/// one transaction, rows of one table and layout in multi-row statements. When the database refuses
/// a batch's data, the batch is rolled back and written again row by row, each bad row handed to
/// `reportErrant` while the others land. Lost connections surface as `RetriableConnectError`
/// (reconnected on the next call).
public actor JDBCSinkTask: SinkTask {
    /// Opens a session for the task's config (PostgreSQL or SQLite by `connection.url`).
    public typealias Opener = @Sendable (JDBCSinkConfig) async throws -> any SQLSession

    private let open: Opener
    private let logger: Logger
    private var config: JDBCSinkConfig?
    private var context: (any SinkTaskContext)?
    private var session: (any SQLSession)?
    private var buffer: [ConnectRecord] = []
    /// Columns each table is known to have (after creating, evolving or reading it).
    private var tableColumns: [SQLTableID: Set<String>] = [:]

    public init(logger: Logger = Logger(label: "brook.connect.jdbc-sink"), open: @escaping Opener = SQLSessions.open) {
        self.open = open
        self.logger = logger
    }

    public func start(config properties: [String: String], context: any SinkTaskContext) async throws {
        let config = try JDBCSinkConfig(properties: properties)
        _ = try SQLConnectionURL(config.connectionURL)
        self.config = config
        self.context = context
    }

    public func put(_ records: [ConnectRecord]) async throws {
        guard let config else { throw SQLConnectorError("put before start") }
        buffer.append(contentsOf: records)
        do {
            while buffer.count >= config.batchSize {
                try await write(Array(buffer.prefix(config.batchSize)))
                buffer.removeFirst(config.batchSize)
            }
        } catch let error as RetriableConnectError {
            // The worker hands this call's records again: forget those still buffered.
            buffer.removeLast(min(records.count, buffer.count))
            throw error
        }
    }

    public func flush() async throws {
        guard !buffer.isEmpty else { return }
        try await write(buffer)
        buffer.removeAll()
    }

    public func stop() async {
        await session?.close()
        session = nil
    }

    /// One prepared row operation.
    private struct Operation {
        var record: ConnectRecord
        var table: SQLTableID
        var layout: SinkRowLayout
        var keyValues: [SQLValue]
        var values: [SQLValue]
        var isDelete: Bool { values.isEmpty && layout.valueColumns.isEmpty && record.value == .null }
    }

    private func write(_ records: [ConnectRecord]) async throws {
        guard let config, let context else { return }
        var operations: [Operation] = []
        operations.reserveCapacity(records.count)
        for record in records {
            do {
                let (layout, keyValues, values) = try SinkRowLayout.make(record, config: config)
                operations.append(Operation(record: record, table: SQLTableID(parsing: config.tableName(topic: record.topic)),
                                            layout: layout, keyValues: keyValues, values: values))
            } catch {
                try await context.reportErrant(record, error: error)
            }
        }
        guard !operations.isEmpty else { return }
        let session = try await connectedSession(config)
        do {
            try await prepareTables(for: operations, session: session, config: config)
            try await session.execute("BEGIN", [])
            do {
                var start = 0
                while start < operations.count {
                    start = try await runGroup(operations, from: start, session: session, config: config)
                }
                try await session.execute("COMMIT", [])
            } catch {
                try? await session.execute("ROLLBACK", [])
                throw error
            }
        } catch {
            switch session.classify(error) {
            case .connection:
                await dropSession()
                throw RetriableConnectError("\(session.dialect.name) connection failed: \(session.describe(error))")
            case .data:
                logger.debug("batch refused, writing it row by row", metadata: ["error": "\(session.describe(error))"])
                try await writeRowByRow(operations, session: session, config: config, context: context)
            case .other:
                throw error
            }
        }
    }

    /// Each row alone (autocommit), reporting the rows the database refuses.
    private func writeRowByRow(_ operations: [Operation], session: any SQLSession, config: JDBCSinkConfig,
                               context: any SinkTaskContext) async throws {
        for index in operations.indices {
            do {
                _ = try await runGroup([operations[index]], from: 0, session: session, config: config)
            } catch {
                switch session.classify(error) {
                case .data: try await context.reportErrant(operations[index].record, error: SQLWriteError(session.describe(error)))
                case .connection:
                    await dropSession()
                    throw RetriableConnectError("\(session.dialect.name) connection failed: \(session.describe(error))")
                case .other: throw error
                }
            }
        }
    }

    /// Writes the run of operations starting at `start` that can share statements (same table,
    /// layout and kind); returns where the next run starts.
    private func runGroup(_ operations: [Operation], from start: Int, session: any SQLSession, config: JDBCSinkConfig) async throws -> Int {
        let first = operations[start]
        let builder = SQLStatementBuilder(dialect: session.dialect, quoting: SQLIdentifierQuoting(quote: config.quoteIdentifiers == .always))
        let keyNames = first.layout.keyColumns.map(\.name), valueNames = first.layout.valueColumns.map(\.name)
        if first.isDelete {
            // No table yet: nothing to delete.
            guard tableColumns[first.table] != nil else { return start + 1 }
            try await session.execute(builder.delete(from: first.table, keyColumns: keyNames), first.keyValues)
            return start + 1
        }
        if config.insertMode == .update {
            try await session.execute(builder.update(first.table, keyColumns: keyNames, otherColumns: valueNames), first.values + first.keyValues)
            return start + 1
        }
        var end = start + 1
        while end < operations.count, !operations[end].isDelete, operations[end].table == first.table,
              operations[end].layout == first.layout {
            end += 1
        }
        var rows = operations[start..<end].map { $0.keyValues + $0.values }
        let width = max(1, keyNames.count + valueNames.count)
        if config.insertMode == .upsert {
            // One statement may not touch a row twice (ON CONFLICT): the last record of a key wins.
            var seen: Set<[SQLValue]> = []
            rows = rows.reversed().filter { seen.insert(Array($0.prefix(keyNames.count))).inserted }.reversed()
        }
        let perStatement = max(1, min(config.batchSize, session.dialect.maximumParameters / width))
        var offset = 0
        while offset < rows.count {
            let chunk = rows[offset..<min(offset + perStatement, rows.count)]
            let sql = config.insertMode == .upsert
                ? builder.upsert(into: first.table, keyColumns: keyNames, otherColumns: valueNames, rows: chunk.count)
                : builder.insert(into: first.table, columns: keyNames + valueNames, rows: chunk.count)
            try await session.execute(sql, Array(chunk.joined()))
            offset += chunk.count
        }
        return end
    }

    /// Creates missing tables and adds missing columns (auto.create / auto.evolve), as Confluent's
    /// `DbStructure.createOrAmendIfNecessary`.
    private func prepareTables(for operations: [Operation], session: any SQLSession, config: JDBCSinkConfig) async throws {
        struct Checked: Hashable { var table: SQLTableID; var layout: SinkRowLayout }
        var checked: Set<Checked> = []
        let builder = SQLStatementBuilder(dialect: session.dialect, quoting: SQLIdentifierQuoting(quote: config.quoteIdentifiers == .always))
        for operation in operations where checked.insert(Checked(table: operation.table, layout: operation.layout)).inserted {
            let table = operation.table
            let wanted = operation.layout.allColumns
            if let known = tableColumns[table], wanted.allSatisfy({ known.contains($0.name) }) { continue }
            guard let existing = try await session.columns(of: table) else {
                guard config.autoCreate else { throw SQLConnectorError("Table \(table) is missing and auto-creation is disabled") }
                // A delete needs no table: `runGroup` skips deletes on tables that do not exist.
                guard !operation.isDelete else { continue }
                let sql = try builder.createTable(table, columns: wanted, keyColumns: operation.layout.keyColumns.map(\.name))
                logger.info("creating table", metadata: ["table": "\(table)", "sql": "\(sql)"])
                try await session.execute(sql, [])
                tableColumns[table] = Set(wanted.map(\.name))
                continue
            }
            var present = Set(existing)
            let lowered = Set(existing.map { $0.lowercased() })
            let missing = wanted.filter { !present.contains($0.name) && !(config.quoteIdentifiers == .never && lowered.contains($0.name.lowercased())) }
            if !missing.isEmpty {
                guard config.autoEvolve else {
                    throw SQLConnectorError("Table \(table) is missing fields (\(missing.map(\.name).joined(separator: ", "))) and auto-evolution is disabled")
                }
                for column in missing where !column.isOptional && column.schema.defaultValue == nil {
                    throw SQLConnectorError("Cannot ALTER TABLE \(table) to add missing field \(column.name), as the field is not optional and does not have a default value")
                }
                for sql in try builder.addColumns(table, columns: missing) {
                    logger.info("amending table", metadata: ["table": "\(table)", "sql": "\(sql)"])
                    try await session.execute(sql, [])
                }
                present.formUnion(missing.map(\.name))
            }
            tableColumns[table] = present
        }
    }

    private func connectedSession(_ config: JDBCSinkConfig) async throws -> any SQLSession {
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

    private func dropSession() async {
        await session?.close()
        session = nil
        tableColumns = [:]
    }
}

/// A database error for one row, as reported with the errant record (the database's message).
public struct SQLWriteError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
