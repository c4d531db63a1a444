import XCTest
final class BrookProtocolTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
