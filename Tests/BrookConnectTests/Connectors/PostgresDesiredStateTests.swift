import XCTest
@testable import BrookConnect

/// Desired-state `input=sql` against a real PostgreSQL.
final class PostgresDesiredStateTests: XCTestCase {
    private static let server = SharedPostgres()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func testRowsOfAQueryBecomeDeclarationsKeyedByThePrimaryKey() async throws {
        let url = try Self.server.get().url
        let db = try await SQLSessions.open(url: url, user: nil, password: nil)
        try await db.execute("CREATE TABLE topics (name TEXT PRIMARY KEY, partitions INT NOT NULL, owner TEXT)", [])
        try await db.execute("INSERT INTO topics VALUES ('orders', 6, 'shop'), ('audit', 1, NULL)", [])
        try await db.execute("CREATE TABLE owners (name TEXT PRIMARY KEY)", [])
        await db.close()
        try await DesiredStateSQLScenario.check(url: url)
    }
}
