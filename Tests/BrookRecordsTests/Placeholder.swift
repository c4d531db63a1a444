import XCTest
final class BrookRecordsTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
