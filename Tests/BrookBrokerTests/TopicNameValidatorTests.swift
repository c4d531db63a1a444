import BrookBroker
import XCTest

final class TopicNameValidatorTests: XCTestCase {
    func testLegalNames() {
        for name in ["a", "orders", "my.topic_1-x", String(repeating: "x", count: 249)] {
            XCTAssertNil(TopicNameValidator.problem(with: name), name)
        }
    }

    func testIllegalNames() {
        for name in ["", ".", "..", "has space", "ünïcode", "slash/x", String(repeating: "x", count: 250)] {
            XCTAssertNotNil(TopicNameValidator.problem(with: name), name)
        }
    }

    func testDotAndUnderscoreCollide() {
        XCTAssertEqual(TopicNameValidator.collisionKey("a.b"), TopicNameValidator.collisionKey("a_b"))
    }
}
