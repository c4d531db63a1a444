import BrookClient
import XCTest

final class BrokerAddressTests: XCTestCase {
    func testParsesHostPortForms() {
        XCTAssertEqual(BrokerAddress(parsing: "localhost:9093"), BrokerAddress(host: "localhost", port: 9093))
        XCTAssertEqual(BrokerAddress(parsing: " broker1 "), BrokerAddress(host: "broker1", port: 9092))
        XCTAssertEqual(BrokerAddress(parsing: "[::1]:19092"), BrokerAddress(host: "::1", port: 19092))
        XCTAssertEqual(BrokerAddress(parsing: "[::1]"), BrokerAddress(host: "::1", port: 9092))
        XCTAssertNil(BrokerAddress(parsing: "host:0"))
        XCTAssertNil(BrokerAddress(parsing: "host:99999"))
        XCTAssertNil(BrokerAddress(parsing: ":9092"))
        XCTAssertNil(BrokerAddress(parsing: "a:b:c"))
        XCTAssertNil(BrokerAddress(parsing: ""))
    }

    func testParsesLists() {
        XCTAssertEqual(
            BrokerAddress.parseList("a:1, b:2,,c"),
            [BrokerAddress(host: "a", port: 1), BrokerAddress(host: "b", port: 2), BrokerAddress(host: "c", port: 9092)])
        XCTAssertNil(BrokerAddress.parseList(""))
        XCTAssertNil(BrokerAddress.parseList("a:1,b:x"))
    }

    func testDescriptionBracketsIPv6() {
        XCTAssertEqual(BrokerAddress(host: "::1", port: 9092).description, "[::1]:9092")
        XCTAssertEqual(BrokerAddress(host: "h", port: 1).description, "h:1")
    }
}
