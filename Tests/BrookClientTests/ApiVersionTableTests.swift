@testable import BrookClient
import BrookProtocol
import XCTest

final class ApiVersionTableTests: XCTestCase {
    func testPicksTheHighestCommonVersion() {
        let table = ApiVersionTable(broker: [
            ApiKey.produce.rawValue: 0...11,
            ApiKey.fetch.rawValue: 4...17,
            ApiKey.metadata.rawValue: 0...7,
        ])
        XCTAssertEqual(table.version(for: .produce), 11)
        XCTAssertEqual(table.version(for: .fetch), 12, "capped at ours: Fetch 13+ addresses topics by id")
        XCTAssertEqual(table.version(for: .metadata), 7, "capped at the broker's")
        XCTAssertNil(table.version(for: .joinGroup), "not advertised")
    }

    func testNoOverlapMeansUnsupported() {
        let table = ApiVersionTable(broker: [ApiKey.produce.rawValue: 0...2])
        XCTAssertNil(table.version(for: .produce), "record batches v2 need Produce 3")
        XCTAssertFalse(table.supports(.produce))
    }
}
