import BrookSchemas
import Foundation
import XCTest
@testable import BrookConnect

/// The SQL sink against SQLite files (SQLiteNIO embeds SQLite: nothing to install).
final class SQLiteSinkTests: XCTestCase {
    private var directory: URL!
    private var scenarios: JDBCSinkScenarios!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brook-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        scenarios = JDBCSinkScenarios(url: "sqlite://" + directory.appendingPathComponent("sink.db").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testInsertCreatesTheTableAndWritesRows() async throws { try await scenarios.insertCreatesTheTableAndWritesRows() }
    func testUpsertKeepsTheLastValuePerKey() async throws { try await scenarios.upsertKeepsTheLastValuePerKey() }
    func testUpdateChangesOnlyExistingRows() async throws { try await scenarios.updateChangesOnlyExistingRows() }
    func testTombstonesDeleteByKey() async throws { try await scenarios.tombstonesDeleteByKey() }
    func testAutoEvolveAddsOptionalColumnsAndRefusesRequiredOnes() async throws { try await scenarios.autoEvolveAddsOptionalColumnsAndRefusesRequiredOnes() }
    func testFullBatchesAreWrittenBeforeFlush() async throws { try await scenarios.fullBatchesAreWrittenBeforeFlush() }
    func testATombstoneForAMissingTableIsNothingToDelete() async throws { try await scenarios.aTombstoneForAMissingTableIsNothingToDelete() }
    func testSchemalessMapsGetColumnsFromTheirValues() async throws { try await scenarios.schemalessMapsGetColumnsFromTheirValues() }

    func testABadRowIsReportedWhileTheOthersLand() async throws {
        try await scenarios.aBadRowIsReportedWhileTheOthersLand(
            checkTable: "CREATE TABLE \"$TABLE\" (id INTEGER PRIMARY KEY, name TEXT, score INTEGER CHECK (score >= 0))",
            errorMentions: "CHECK constraint failed")
    }

    func testAPlainPathIsASQLiteURL() throws {
        XCTAssertEqual(try SQLConnectionURL("/tmp/x.db"), .sqlite(path: "/tmp/x.db"))
        XCTAssertEqual(try SQLConnectionURL("jdbc:sqlite:/tmp/x.db"), .sqlite(path: "/tmp/x.db"))
    }
}
