import BrookSchemaRegistry
import XCTest

final class SchemaRegistryTests: XCTestCase {
    func testDefaultPortIsConfluents() {
        XCTAssertEqual(SchemaRegistry.defaultPort, 8081)
    }
}
