import BrookSchemas
import BrookTestSupport
import XCTest
@testable import BrookConnect

/// The SQL sink against a real PostgreSQL (a private server per class, `PostgresProcess`).
final class PostgresSinkTests: XCTestCase {
    private static let server = SharedPostgres()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    private func scenarios() throws -> JDBCSinkScenarios {
        JDBCSinkScenarios(url: try Self.server.get().url)
    }

    func testInsertCreatesTheTableAndWritesRows() async throws { try await scenarios().insertCreatesTheTableAndWritesRows() }
    func testUpsertKeepsTheLastValuePerKey() async throws { try await scenarios().upsertKeepsTheLastValuePerKey() }
    func testUpdateChangesOnlyExistingRows() async throws { try await scenarios().updateChangesOnlyExistingRows() }
    func testTombstonesDeleteByKey() async throws { try await scenarios().tombstonesDeleteByKey() }
    func testAutoEvolveAddsOptionalColumnsAndRefusesRequiredOnes() async throws { try await scenarios().autoEvolveAddsOptionalColumnsAndRefusesRequiredOnes() }
    func testFullBatchesAreWrittenBeforeFlush() async throws { try await scenarios().fullBatchesAreWrittenBeforeFlush() }
    func testATombstoneForAMissingTableIsNothingToDelete() async throws { try await scenarios().aTombstoneForAMissingTableIsNothingToDelete() }
    func testSchemalessMapsGetColumnsFromTheirValues() async throws { try await scenarios().schemalessMapsGetColumnsFromTheirValues() }

    func testABadRowIsReportedWhileTheOthersLand() async throws {
        try await scenarios().aBadRowIsReportedWhileTheOthersLand(
            checkTable: "CREATE TABLE \"$TABLE\" (id BIGINT PRIMARY KEY, name TEXT, score INT CHECK (score >= 0))",
            errorMentions: "23514")
    }

    func testTheJDBCURLFormAndLogicalTypesRoundTrip() async throws {
        let server = try Self.server.get()
        let table = SQLTestRecords.uniqueTable("types")
        let schema = try ConnectSchema.struct(name: "t", [
            ("id", .int32), ("price", ConnectLogicalType.decimalSchema(scale: 2)), ("day", ConnectLogicalType.dateSchema),
            ("at", ConnectLogicalType.timestampSchema), ("clock", ConnectLogicalType.timeSchema), ("raw", .bytes),
            ("flag", .boolean), ("ratio", .float64), ("small", .int8),
        ])
        var value = try ConnectStruct(schema: schema)
        try value.put("id", .int32(1))
        try value.put("price", .decimal(ConnectDecimal(unscaled: "-12345", scale: 2)!))
        try value.put("day", .timestamp(19_000 * ConnectLogicalType.millisPerDay))
        try value.put("at", .timestamp(1_700_000_000_123))
        try value.put("clock", .timestamp(3_723_004))
        try value.put("raw", .bytes([0, 1, 0xFF]))
        try value.put("flag", .boolean(true))
        try value.put("ratio", .float64(0.5))
        try value.put("small", .int8(-3))
        let task = JDBCSinkTask()
        try await task.start(config: ["connection.url": server.jdbcURL, "auto.create": "true", "pk.mode": "record_value", "pk.fields": "id"],
                             context: FakeSinkContext())
        try await task.put([ConnectRecord(topic: table, valueSchema: schema, value: .struct(value))])
        try await task.flush()
        await task.stop()
        let session = try await SQLSessions.open(url: server.url, user: nil, password: nil)
        let result = try await session.query("SELECT price, day, at, clock, raw, flag, ratio, small FROM \(table)", [])
        XCTAssertEqual(result.rows.first, [
            .decimal(ConnectDecimal(unscaled: "-12345", scale: 2)!), .date(days: 19_000), .timestamp(micros: 1_700_000_000_123_000),
            .time(micros: 3_723_004_000), .bytes([0, 1, 0xFF]), .boolean(true), .real(0.5), .integer(-3),
        ])
        let types = try await textRows(session, "SELECT data_type FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position")
        XCTAssertEqual(types.map { $0[0] }, ["integer", "numeric", "date", "timestamp without time zone", "time without time zone",
                                               "bytea", "boolean", "double precision", "smallint"])
        await session.close()
    }

    func testAnUnreachableServerIsRetriable() async throws {
        let port = try EtcdProcess.freeLoopbackPorts(1)[0]
        let task = JDBCSinkTask()
        try await task.start(config: ["connection.url": "postgres://brook@127.0.0.1:\(port)/postgres", "auto.create": "true"],
                             context: FakeSinkContext())
        try await task.put([SQLTestRecords.user(1, "a", topic: "t")])
        do {
            try await task.flush()
            XCTFail("nothing listens there")
        } catch {
            XCTAssertTrue(error is RetriableConnectError, "\(error)")
        }
    }
}
