import XCTest
final class BrookBrokerTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
