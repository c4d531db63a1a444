import BrookSchemas
import BrookTestSupport
import XCTest
@testable import BrookConnect

/// The SQL connectors' sans-IO parts: statements, record → row layout, configs, URLs, the
/// PostgreSQL value decoder, source queries and offsets, and the query-table resolver.
final class JDBCStatementTests: XCTestCase {
    private let pg = SQLStatementBuilder(dialect: PostgresDialect(), quoting: SQLIdentifierQuoting())
    private let lite = SQLStatementBuilder(dialect: SQLiteDialect(), quoting: SQLIdentifierQuoting())

    func testStatementsBindEveryValue() throws {
        let table = SQLTableID(parsing: "public.or\"ders")
        XCTAssertEqual(pg.insert(into: table, columns: ["id", "v"], rows: 2),
                       #"INSERT INTO "public"."or""ders" ("id", "v") VALUES ($1, $2), ($3, $4)"#)
        XCTAssertEqual(lite.upsert(into: SQLTableID(table: "t"), keyColumns: ["id"], otherColumns: ["v", "w"], rows: 1),
                       #"INSERT INTO "t" ("id", "v", "w") VALUES (?1, ?2, ?3) ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v", "w" = EXCLUDED."w""#)
        XCTAssertEqual(pg.upsert(into: SQLTableID(table: "t"), keyColumns: ["id"], otherColumns: [], rows: 1),
                       #"INSERT INTO "t" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING"#)
        XCTAssertEqual(pg.update(SQLTableID(table: "t"), keyColumns: ["a", "b"], otherColumns: ["v"]),
                       #"UPDATE "t" SET "v" = $1 WHERE "a" = $2 AND "b" = $3"#)
        XCTAssertEqual(pg.delete(from: SQLTableID(table: "t"), keyColumns: ["id"]), #"DELETE FROM "t" WHERE "id" = $1"#)
        let unquoted = SQLStatementBuilder(dialect: PostgresDialect(), quoting: SQLIdentifierQuoting(quote: false))
        XCTAssertEqual(unquoted.delete(from: SQLTableID(table: "t"), keyColumns: ["id"]), "DELETE FROM t WHERE id = $1")
    }

    func testCreateTableMapsConnectTypesAndKeys() throws {
        let columns = [
            SQLColumnDefinition(name: "id", schema: .int64), SQLColumnDefinition(name: "tiny", schema: .optionalInt8),
            SQLColumnDefinition(name: "n", schema: try ConnectSchema.int32.withDefault(.int32(7))),
            SQLColumnDefinition(name: "s", schema: try ConnectSchema.optionalString.withDefault(.string("it's"))),
            SQLColumnDefinition(name: "price", schema: ConnectLogicalType.decimalSchema(scale: 2)),
            SQLColumnDefinition(name: "at", schema: ConnectLogicalType.timestampSchema.optional()),
            SQLColumnDefinition(name: "f", schema: .float32), SQLColumnDefinition(name: "b", schema: .bytes),
        ]
        XCTAssertEqual(try pg.createTable(SQLTableID(table: "t"), columns: columns, keyColumns: ["id"]), """
            CREATE TABLE "t" (
              "id" BIGINT NOT NULL,
              "tiny" SMALLINT NULL,
              "n" INT DEFAULT 7 NOT NULL,
              "s" TEXT DEFAULT 'it''s' NULL,
              "price" DECIMAL NOT NULL,
              "at" TIMESTAMP NULL,
              "f" REAL NOT NULL,
              "b" BYTEA NOT NULL,
              PRIMARY KEY("id"))
            """)
        XCTAssertEqual(try lite.addColumns(SQLTableID(table: "t"), columns: [columns[1], columns[5]]),
                       [#"ALTER TABLE "t" ADD "tiny" INTEGER NULL"#, #"ALTER TABLE "t" ADD "at" NUMERIC NULL"#])
        XCTAssertThrowsError(try pg.createTable(SQLTableID(table: "t"), columns: [SQLColumnDefinition(name: "a", schema: .array(.int32))], keyColumns: []))
    }

    func testPrimaryKeyModesPickTheKeyColumns() throws {
        let record = SQLTestRecords.user(5, "x", score: 2, topic: "users", offset: 42)
        func layout(_ properties: [String: String]) throws -> (SinkRowLayout, [SQLValue], [SQLValue]) {
            try SinkRowLayout.make(record, config: JDBCSinkConfig(properties: ["connection.url": "x.db"].merging(properties) { $1 }))
        }
        let none = try layout([:])
        XCTAssertEqual(none.0.keyColumns, [])
        XCTAssertEqual(none.2, [.integer(5), .text("x"), .integer(2)])
        let kafka = try layout(["pk.mode": "kafka"])
        XCTAssertEqual(kafka.0.keyColumns.map(\.name), ["__connect_topic", "__connect_partition", "__connect_offset"])
        XCTAssertEqual(kafka.1, [.text("users"), .integer(0), .integer(42)])
        let key = try layout(["pk.mode": "record_key"])
        XCTAssertEqual(key.0.keyColumns.map(\.name), ["__connect_key"])
        XCTAssertEqual(key.1, [.integer(5)])
        let value = try layout(["pk.mode": "record_value", "pk.fields": "id", "fields.whitelist": "name"])
        XCTAssertEqual(value.0.keyColumns.map(\.name), ["id"])
        XCTAssertEqual(value.0.valueColumns.map(\.name), ["name"])
        XCTAssertEqual(value.2, [.text("x")])
        XCTAssertThrowsError(try layout(["pk.mode": "record_value", "pk.fields": "nope"]))
        XCTAssertThrowsError(try SinkRowLayout.make(SQLTestRecords.tombstone(1, topic: "t"),
                                                    config: JDBCSinkConfig(properties: ["connection.url": "x.db", "pk.mode": "record_key"])))
    }

    func testConfigChecksFollowConfluent() {
        XCTAssertThrowsError(try JDBCSinkConfig(properties: ["connection.url": "x.db", "delete.enabled": "true"])) {
            XCTAssertTrue("\($0)".contains("record_key"), "\($0)")
        }
        XCTAssertThrowsError(try JDBCSinkConfig(properties: ["connection.url": "x.db", "insert.mode": "upsert"]))
        XCTAssertThrowsError(try JDBCSinkConfig(properties: ["connection.url": "x.db", "insert.mode": "merge"]))
        XCTAssertThrowsError(try JDBCSinkConfig(properties: [:])) { XCTAssertTrue("\($0)".contains("connection.url"), "\($0)") }
        XCTAssertEqual(try JDBCSinkConfig(properties: ["connection.url": "x.db", "table.name.format": "kafka_${topic}"]).tableName(topic: "a"), "kafka_a")
        XCTAssertEqual(try JDBCSinkConfig(properties: ["connection.url": "x.db"]).batchSize, 3000)
        let validation = ConnectorPlugins.jdbcSink.validate(["name": "s", "connector.class": "JdbcSinkConnector", "topics": "t",
                                                             "connection.url": "x.db", "delete.enabled": "true"])
        XCTAssertTrue("\(validation)".contains("record_key"), "\(validation)")
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "JdbcSinkConnector"))
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "PostgresSink"))
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "SQLiteSink"))
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "PostgresSource"))
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "JdbcSourceConnector"))
    }

    func testConnectionURLs() throws {
        XCTAssertEqual(try SQLConnectionURL("jdbc:postgresql://db.local:5433/shop?user=app&password=p%40ss"),
                       .postgres(host: "db.local", port: 5433, database: "shop", user: "app", password: "p@ss"))
        XCTAssertEqual(try SQLConnectionURL("postgres://u:secret@127.0.0.1/x"),
                       .postgres(host: "127.0.0.1", port: 5432, database: "x", user: "u", password: "secret"))
        XCTAssertEqual(try SQLConnectionURL("sqlite:///var/lib/a.db"), .sqlite(path: "/var/lib/a.db"))
        XCTAssertThrowsError(try SQLConnectionURL("mysql://h/db"))
        XCTAssertThrowsError(try SQLConnectionURL("postgres://h:99999/db"))
    }

    func testTheURLParserNeverCrashes() {
        var random = SeededRNG(seed: 14)
        let seeds = ["jdbc:postgresql://h:1/d?user=a&password=b", "postgres://u:p@[::1]:5/d", "sqlite:///a", "jdbc:sqlite:x", "%zz@:/?&="]
        for _ in 0..<3000 {
            var bytes = Array(seeds[Int(random.next() % UInt64(seeds.count))].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(Array(":/@?%[]".utf8)[Int(random.next() % 7)], at: index)
                }
            }
            _ = try? SQLConnectionURL(String(decoding: bytes, as: UTF8.self))
        }
    }

    func testPostgresBinaryValuesDecode() throws {
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 23, binary: [0xFF, 0xFF, 0xFF, 0xFE]), .integer(-2))
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 16, binary: [1]), .boolean(true))
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 1082, binary: [0, 0, 0, 1]), .date(days: 10_958))
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 25, binary: nil), .null)
        // numeric -1234.5600: ndigits 3, weight 0, sign 0x4000, dscale 4, digits [1234, 5600].
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 1700, binary: [0, 2, 0, 0, 0x40, 0, 0, 4, 0x04, 0xD2, 0x15, 0xE0]),
                       .decimal(ConnectDecimal(unscaled: "-12345600", scale: 4)!))
        // numeric 20000 (one digit 2 at weight 1), scale 0.
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 1700, binary: [0, 1, 0, 1, 0, 0, 0, 0, 0, 2]),
                       .decimal(ConnectDecimal(unscaled: "20000", scale: 0)!))
        XCTAssertEqual(try PostgresValueDecoder.decode(oid: 2950, binary: Array(0..<16)), .text("00010203-0405-0607-0809-0a0b0c0d0e0f"))
        XCTAssertThrowsError(try PostgresValueDecoder.decode(oid: 20, binary: [1, 2, 3]))
        XCTAssertThrowsError(try PostgresValueDecoder.decode(oid: 23, binary: [0, 0, 0, 0, 0]))
    }

    func testThePostgresDecoderNeverCrashesOnMutatedInput() {
        var random = SeededRNG(seed: 7)
        let oids: [UInt32] = [16, 17, 20, 21, 23, 25, 26, 700, 701, 1082, 1083, 1114, 1184, 1700, 2950, 3802, 9999]
        let seeds: [[UInt8]] = [[0, 2, 0, 0, 0x40, 0, 0, 4, 0x04, 0xD2, 0x15, 0xE0], [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                                [0x80, 0, 0, 0, 0, 0, 0, 0], [0xFF, 0xFF, 0x7F, 0xFF, 0xC0, 0, 0x7F, 0xFF], [1, 0x7B, 0x7D]]
        for _ in 0..<5000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<Int(random.next() % 4) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                if random.next() % 2 == 0 { bytes[index] = UInt8(truncatingIfNeeded: random.next()) } else { bytes.remove(at: index) }
            }
            if random.next() % 5 == 0 { bytes = Array(bytes.prefix(Int(random.next() % 4))) }
            let oid = oids[Int(random.next() % UInt64(oids.count))]
            if let value = try? PostgresValueDecoder.decode(oid: oid, binary: bytes) {
                _ = PostgresValueDecoder.schema(oid: oid, value: value)
                _ = value.json
                _ = value.parameterText
            }
        }
    }

    func testSourceQueriesAndOffsets() throws {
        let config = try PostgresSourceConfig(properties: ["connection.url": "postgres://h/d", "mode": "timestamp+incrementing",
                                                           "incrementing.column.name": "id", "timestamp.column.name": "ts",
                                                           "table.whitelist": "a, b", "batch.max.rows": "10"])
        XCTAssertEqual(config.tables, ["a", "b"])
        XCTAssertEqual(config.pollIntervalMilliseconds, 5000)
        var query = PostgresSourceQuery(table: "a", config: config)
        query.restore(from: .object([("timestamp", .number("1500")), ("timestamp_nanos", .number("500123000")), ("incrementing", .number("9"))]))
        XCTAssertEqual(query.offset, .init(incrementing: 9, timestampMicros: 1_500_123))
        XCTAssertEqual(query.offsetJSON, .object([("timestamp", .number("1500")), ("timestamp_nanos", .number("500123000")), ("incrementing", .number("9"))]))
        let (sql, binds) = query.statement()
        XCTAssertTrue(sql.hasSuffix(#"ORDER BY "ts" ASC, "id" ASC LIMIT 10"#), sql)
        XCTAssertEqual(binds, [.integer(0), .timestamp(micros: 1_500_123), .integer(9)])
        XCTAssertThrowsError(try PostgresSourceConfig(properties: ["connection.url": "postgres://h/d", "mode": "incrementing", "incrementing.column.name": "id"]))
        XCTAssertThrowsError(try PostgresSourceConfig(properties: ["connection.url": "x.db", "mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": "a"])) {
            XCTAssertTrue("\($0)".contains("PostgreSQL only"), "\($0)")
        }
        XCTAssertThrowsError(try PostgresSourceConfig(properties: ["connection.url": "x", "mode": "timestamp", "incrementing.column.name": "id", "table.whitelist": "a"]))
    }

    func testCommittedOffsetsAtTheExtremesRestoreWithoutTrapping() throws {
        let config = try PostgresSourceConfig(properties: ["connection.url": "postgres://h/d", "mode": "timestamp+incrementing",
                                                           "incrementing.column.name": "id", "timestamp.column.name": "ts", "table.whitelist": "a"])
        let numbers = ["0", "-1", "9223372036854775807", "-9223372036854775808", "1e3", "1.5", "99999999999999999999", "", "-"]
        for millis in numbers {
            for nanos in numbers {
                for inc in numbers {
                    var query = PostgresSourceQuery(table: "a", config: config)
                    query.restore(from: .object([("timestamp", .number(millis)), ("timestamp_nanos", .number(nanos)), ("incrementing", .number(inc))]))
                    _ = query.offsetJSON
                    _ = query.statement()
                }
            }
        }
        var query = PostgresSourceQuery(table: "a", config: config)
        query.restore(from: .object([("timestamp", .number("-1")), ("timestamp_nanos", .number("999000000"))]))
        XCTAssertEqual(query.offset.timestampMicros, -1000)
        query.restore(from: .array([.string("not an offset")]))
        XCTAssertEqual(query.offset.timestampMicros, -1000)
    }

    func testTheQueryTableIsFoundOnlyForSingleTableQueries() {
        XCTAssertEqual(DesiredStateSQLQueryTable.table(in: "SELECT * FROM topics"), SQLTableID(table: "topics"))
        XCTAssertEqual(DesiredStateSQLQueryTable.table(in: "select a, b from app.\"Topic List\" t where a > 1 order by b;"),
                       SQLTableID(schema: "app", table: "Topic List"))
        XCTAssertNil(DesiredStateSQLQueryTable.table(in: "SELECT * FROM a JOIN b ON a.x = b.x"))
        XCTAssertNil(DesiredStateSQLQueryTable.table(in: "SELECT * FROM a, b"))
        XCTAssertNil(DesiredStateSQLQueryTable.table(in: "SELECT * FROM (SELECT 1) s"))
        XCTAssertNil(DesiredStateSQLQueryTable.table(in: "SELECT 1 UNION SELECT 2"))
        XCTAssertNil(DesiredStateSQLQueryTable.table(in: "SELECT * FROM a WHERE x IN (SELECT y FROM b)"))
        var random = SeededRNG(seed: 3)
        let alphabet = Array("SELECT * FROM \"a\"\"b\" 'x' . , ( ) join".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int(random.next() % 40)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            _ = DesiredStateSQLQueryTable.table(in: String(decoding: bytes, as: UTF8.self))
        }
    }

    func testTemporalTextIsISO() {
        XCTAssertEqual(SQLValue.date(days: -1).parameterText, "1969-12-31")
        XCTAssertEqual(SQLValue.timestamp(micros: 1_700_000_000_123_000).parameterText, "2023-11-14 22:13:20.123000")
        XCTAssertEqual(SQLValue.timestamp(micros: -1).json, .string("1969-12-31T23:59:59.999999Z"))
        XCTAssertEqual(SQLValue.time(micros: 3_723_000_000).parameterText, "01:02:03")
        XCTAssertEqual(SQLValue.bytes([0, 0xAB]).parameterText, "\\x00ab")
    }
}
