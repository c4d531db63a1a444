import BrookSchemas
import XCTest
@testable import BrookConnect

/// The PostgreSQL source against a real server: both modes, resuming from a committed offset.
final class PostgresSourceTests: XCTestCase {
    private static let server = SharedPostgres()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    private func session() async throws -> any SQLSession {
        try await SQLSessions.open(url: try Self.server.get().url, user: nil, password: nil)
    }

    private func task(_ config: [String: String], offsets: [JSONValue: JSONValue] = [:]) async throws -> PostgresSourceTask {
        let task = PostgresSourceTask()
        var properties = ["connection.url": try Self.server.get().url, "poll.interval.ms": "50"]
        properties.merge(config) { $1 }
        try await task.start(config: properties, context: FakeSourceContext(offsets: offsets))
        return task
    }

    /// Polls until `count` records came (or 5 s passed).
    private func poll(_ task: PostgresSourceTask, count: Int) async throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while out.count < count && ContinuousClock.now < deadline {
            out += try await task.poll()
        }
        return out
    }

    private func ids(_ records: [SourceRecord]) -> [Int64] {
        records.compactMap { record in
            guard case let .int64(id)? = try? record.record.value.structValue?.get("id") else { return nil }
            return id
        }
    }

    func testIncrementingReadsNewRowsInBatchesAndResumesFromTheOffset() async throws {
        let table = SQLTestRecords.uniqueTable("src")
        let db = try await session()
        try await db.execute("CREATE TABLE \(table) (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(8,2))", [])
        for name in ["a", "b", "c", "d", "e"] {
            try await db.execute("INSERT INTO \(table) (name, amount) VALUES ($1, $2)", [.text(name), .text("1.50")])
        }
        let source = try await task(["mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": table,
                                     "topic.prefix": "pg-", "batch.max.rows": "3"])
        let first = try await source.poll()
        XCTAssertEqual(ids(first), [1, 2, 3])
        let second = try await source.poll()
        XCTAssertEqual(ids(second), [4, 5], "a full batch is followed at once by the next")
        let record = try XCTUnwrap(first.first)
        XCTAssertEqual(record.record.topic, "pg-" + table)
        XCTAssertEqual(record.record.key, .null)
        XCTAssertEqual(record.sourcePartition, .object([("table", .string(table))]))
        XCTAssertEqual(second.last?.sourceOffset, .object([("incrementing", .number("5"))]))
        XCTAssertEqual(try record.record.value.structValue?.get("name"), .string("a"))
        XCTAssertEqual(try record.record.value.structValue?.get("amount"), .decimal(ConnectDecimal(unscaled: "150", scale: 2)!))
        XCTAssertEqual(record.record.valueSchema?.field(named: "amount")?.schema.name, ConnectLogicalType.decimal.rawValue)
        await source.stop()

        try await db.execute("INSERT INTO \(table) (name) VALUES ('f')", [])
        let resumed = try await task(["mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": table],
                                     offsets: [.object([("table", .string(table))]): .object([("incrementing", .number("3"))])])
        let resumedRecords = try await poll(resumed, count: 3)
        XCTAssertEqual(ids(resumedRecords), [4, 5, 6])
        await resumed.stop()
        await db.close()
    }

    func testTimestampIncrementingSeesUpdatesAndResumesFromTheOffset() async throws {
        let table = SQLTestRecords.uniqueTable("ts")
        let db = try await session()
        try await db.execute("CREATE TABLE \(table) (id BIGINT PRIMARY KEY, updated TIMESTAMP NOT NULL, v TEXT)", [])
        let base: Int64 = 1_600_000_000_000_000   // 2020-09-13, µs
        for (id, offset) in [(1, 0), (2, 1_000), (3, 1_000), (4, 5_000)] as [(Int64, Int64)] {
            try await db.execute("INSERT INTO \(table) VALUES ($1, $2, 'x')", [.integer(id), .timestamp(micros: base + offset)])
        }
        let config = ["mode": "timestamp+incrementing", "incrementing.column.name": "id", "timestamp.column.name": "updated",
                      "table.whitelist": table]
        let source = try await task(config)
        let all = try await poll(source, count: 4)
        XCTAssertEqual(ids(all), [1, 2, 3, 4])
        let offset = try XCTUnwrap(all[1].sourceOffset)
        XCTAssertEqual(offset["timestamp"], .number(String((base + 1_000) / 1000)))
        XCTAssertEqual(offset["timestamp_nanos"], .number(String((base + 1_000) % 1_000_000 * 1000)))
        XCTAssertEqual(offset["incrementing"], .number("2"))
        await source.stop()

        // From (ts of 2, id 2): 3 has the same timestamp and a higher id, 4 a later one; 1 is updated.
        try await db.execute("UPDATE \(table) SET updated = $1 WHERE id = 1", [.timestamp(micros: base + 9_000)])
        let resumed = try await task(config, offsets: [.object([("table", .string(table))]): offset])
        let resumedRecords = try await poll(resumed, count: 3)
        XCTAssertEqual(ids(resumedRecords), [3, 4, 1])
        await resumed.stop()
        await db.close()
    }

    func testQueryModeUsesTheQueryPartitionAndThePrefixAsTopic() async throws {
        let table = SQLTestRecords.uniqueTable("q")
        let db = try await session()
        try await db.execute("CREATE TABLE \(table) (id BIGINT PRIMARY KEY, kind TEXT)", [])
        try await db.execute("INSERT INTO \(table) VALUES (1, 'keep'), (2, 'drop'), (3, 'keep')", [])
        let source = try await task(["mode": "incrementing", "incrementing.column.name": "id", "topic.prefix": "kept",
                                     "query": "SELECT id, kind FROM \(table) WHERE kind = 'keep'"])
        let records = try await poll(source, count: 2)
        XCTAssertEqual(ids(records), [1, 3])
        XCTAssertEqual(records.first?.record.topic, "kept")
        XCTAssertEqual(records.first?.sourcePartition, .object([("query", .string("query"))]))
        await source.stop()
        await db.close()
    }
}
