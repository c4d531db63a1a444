import BrookSchemas
import Foundation
import XCTest
@testable import BrookConnect

/// Desired-state `input=sql` against SQLite: the SQL reader's rows through the sans-IO planner.
final class SQLiteDesiredStateTests: XCTestCase {
    func testRowsOfAQueryBecomeDeclarationsKeyedByThePrimaryKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("brook-ds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://" + directory.appendingPathComponent("state.db").path
        let db = try await SQLSessions.open(url: url, user: nil, password: nil)
        try await db.execute("CREATE TABLE topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, owner TEXT)", [])
        try await db.execute("INSERT INTO topics VALUES ('orders', 6, 'shop'), ('audit', 1, NULL)", [])
        try await db.execute("CREATE TABLE owners (name TEXT PRIMARY KEY)", [])
        await db.close()

        try await DesiredStateSQLScenario.check(url: url)
    }
}

/// The desired-state SQL checks both databases pass (tables `topics` and `owners` made by the caller).
enum DesiredStateSQLScenario {
    static func check(url: String) async throws {
        let config = try DesiredStateConfig(properties: ["name": "ds", "input": "sql", "connection.url": url, "topic": "state",
                                                         "query": "SELECT name, partitions, owner FROM topics ORDER BY name"])
        let (rows, keys) = try await DesiredStateSQLReader(config: config).read()
        XCTAssertEqual(keys, ["name"])
        let plan = try config.plan(.sqlRows(rows), tracked: TrackedState(), primaryKey: keys)
        XCTAssertEqual(plan.actions, [
            .upsert(key: "audit", value: Array(#"{"name":"audit","partitions":1,"owner":null}"#.utf8)),
            .upsert(key: "orders", value: Array(#"{"name":"orders","partitions":6,"owner":"shop"}"#.utf8)),
        ])

        let joined = try DesiredStateConfig(properties: ["name": "ds", "input": "sql", "connection.url": url, "topic": "state",
                                                         "query": "SELECT t.name FROM topics t JOIN owners o ON o.name = t.owner"])
        do {
            _ = try await DesiredStateSQLReader(config: joined).read()
            XCTFail("a join has no single primary key")
        } catch {
            XCTAssertTrue("\(error)".contains("key.columns"), "\(error)")
        }
        var keyed = joined
        keyed.keyColumns = ["name"]
        let (joinedRows, joinedKeys) = try await DesiredStateSQLReader(config: keyed).read()
        XCTAssertEqual(joinedKeys, ["name"])
        XCTAssertEqual(joinedRows.count, 0)

        let missing = try DesiredStateConfig(properties: ["name": "ds", "input": "sql", "topic": "state", "query": "SELECT 1"])
        XCTAssertThrowsError(try DesiredStateSQLReader(config: missing)) { XCTAssertTrue("\($0)".contains("connection.url"), "\($0)") }
    }
}
