import XCTest
final class BrookStorageTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
