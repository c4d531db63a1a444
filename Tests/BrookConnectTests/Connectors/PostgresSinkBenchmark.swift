import BrookSchemas
import Foundation
import XCTest
@testable import BrookConnect

/// PostgreSQL sink upsert throughput: `put` + `flush` on the task directly (no Kafka), batch.size
/// 3000, a two-column-plus-key row. The unit run writes 6,000 rows and checks they all landed;
/// `BROOK_BENCH_PG_SINK_ROWS=100000` runs the full size and prints rows/s (issue 14's figure).
final class PostgresSinkBenchmark: XCTestCase {
    private static let server = SharedPostgres()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func testUpsertThroughput() async throws {
        let server = try Self.server.get()
        let rows = Int(ProcessInfo.processInfo.environment["BROOK_BENCH_PG_SINK_ROWS"] ?? "") ?? 6_000
        let table = SQLTestRecords.uniqueTable("bench")
        let schema = try ConnectSchema.struct(name: "row", [("id", .int64), ("name", .optionalString), ("qty", .optionalInt32)])
        let records = try (0..<rows).map { i -> ConnectRecord in
            var value = try ConnectStruct(schema: schema)
            try value.put("id", .int64(Int64(i)))
            try value.put("name", .string("name-\(i)"))
            try value.put("qty", .int32(Int32(i % 97)))
            return ConnectRecord(topic: table, kafkaPartition: 0, valueSchema: schema, value: .struct(value), kafkaOffset: Int64(i))
        }
        let task = JDBCSinkTask()
        try await task.start(config: ["connection.url": server.url, "auto.create": "true", "insert.mode": "upsert",
                                      "pk.mode": "record_value", "pk.fields": "id", "batch.size": "3000"], context: FakeSinkContext())
        // The table is created outside the timing.
        try await task.put(Array(records.prefix(1)))
        try await task.flush()
        let clock = ContinuousClock()
        let start = clock.now
        for chunk in stride(from: 0, to: rows, by: 500) {   // the worker's default max.poll.records
            try await task.put(Array(records[chunk..<min(chunk + 500, rows)]))
        }
        try await task.flush()
        let elapsed = clock.now - start
        await task.stop()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("postgres sink upsert: \(rows) rows in \(String(format: "%.3f", seconds)) s = \(Int(Double(rows) / seconds)) rows/s")
        let session = try await SQLSessions.open(url: server.url, user: nil, password: nil)
        let count = try await textRows(session, "SELECT COUNT(*) FROM \(table)")
        XCTAssertEqual(count, [[String(rows)]])
        await session.close()
    }
}
