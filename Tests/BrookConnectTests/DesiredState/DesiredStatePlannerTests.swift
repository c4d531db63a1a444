import BrookConnect
import XCTest

final class DesiredStatePlannerTests: XCTestCase {
    private func keys(_ plan: ReconcilePlan) -> [String] { plan.actions.map(\.key) }

    func testCSVFilesArePlannedInPathOrderWithTheConfiguredDeletion() throws {
        let config = try DesiredStateConfig(properties: ["name": "c", "input": "csv", "path": "d/*.csv", "key.columns": "id", "topic": "t", "csv.separator": ";", "deletion.value": "gone"])
        let first = try config.plan(.csvFiles([(path: "b.csv", bytes: Array("id;v\n2;x\n".utf8)), (path: "a.csv", bytes: Array("id;v\n1;x\n".utf8))]), tracked: TrackedState())
        XCTAssertEqual(keys(first), ["1", "2"])
        var tracked = TrackedState()
        tracked.apply(first.commits)
        let second = try config.plan(.csvFiles([(path: "a.csv", bytes: Array("id;v\n1;x\n".utf8))]), tracked: tracked)
        XCTAssertEqual(second.actions, [.delete(key: "2", value: Array("gone".utf8))])
    }

    func testFilesAndSQLRowsArePlanned() throws {
        let files = try DesiredStateConfig(properties: ["name": "f", "input": "files", "path": "d/**", "topic": "t", "value.format": "json"])
        let plan = try files.plan(.files([(path: "x/1.json", bytes: Array("[1, 2]".utf8))]), tracked: TrackedState())
        XCTAssertEqual(plan.actions, [.upsert(key: "x/1.json", value: Array("[1,2]".utf8))])
        let sql = try DesiredStateConfig(properties: ["name": "q", "input": "sql", "query": "select * from t", "topic": "t"])
        let rows = try sql.plan(.sqlRows([[("pk", .number("5")), ("v", .string("a"))]]), tracked: TrackedState(), primaryKey: ["pk"])
        XCTAssertEqual(rows.actions.map(\.key), ["5"])
        XCTAssertThrowsError(try sql.plan(.sqlRows([]), tracked: TrackedState()))
    }

    func testTheTargetTopicMustBeCompacted() throws {
        let config = try DesiredStateConfig(properties: ["name": "c", "input": "files", "path": "d", "topic": "orders"])
        XCTAssertNoThrow(try config.checkTargetTopic(cleanupPolicy: "compact"))
        XCTAssertNoThrow(try config.checkTargetTopic(cleanupPolicy: "delete, compact"))
        XCTAssertThrowsError(try config.checkTargetTopic(cleanupPolicy: "delete")) {
            XCTAssertTrue("\($0)".contains("needs a compacted topic (cleanup.policy=compact)"), "\($0)")
        }
    }
}
