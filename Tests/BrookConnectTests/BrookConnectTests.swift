import BrookConnect
import XCTest

final class BrookConnectTests: XCTestCase {
    func testTheReportedConnectVersionIsAKafka3Release() {
        XCTAssertTrue(BrookConnect.compatibleConnectVersion.hasPrefix("3."))
    }
}
