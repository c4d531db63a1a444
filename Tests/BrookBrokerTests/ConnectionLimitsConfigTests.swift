import BrookBroker
import XCTest

/// The connection limits are read from server.properties / `--set` with Kafka's names and defaults.
final class ConnectionLimitsConfigTests: XCTestCase {
    func testDefaults() {
        let c = BrokerConfig()
        XCTAssertEqual(c.queuedMaxRequests, 500)
        XCTAssertEqual(c.queuedMaxRequestBytes, 104_857_600)
        XCTAssertEqual(c.socketRequestReadTimeoutMs, 30_000)
        XCTAssertEqual(c.connectionsMaxIdleMs, 600_000)
    }

    func testAppliedFromProperties() throws {
        var c = BrokerConfig()
        let warnings = try c.apply([("queued.max.requests", "7"), ("queued.max.request.bytes", "4096"),
                                    ("socket.request.read.timeout.ms", "1500"),
                                    ("connections.max.idle.ms", "2500")])
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(c.queuedMaxRequests, 7)
        XCTAssertEqual(c.queuedMaxRequestBytes, 4096)
        XCTAssertEqual(c.socketRequestReadTimeoutMs, 1500)
        XCTAssertEqual(c.connectionsMaxIdleMs, 2500)
    }

    func testNegativeTimeoutsDisableAndBadValuesAreRefused() throws {
        var c = BrokerConfig()
        try c.apply([("socket.request.read.timeout.ms", "-1"), ("connections.max.idle.ms", "-5")])
        XCTAssertEqual(c.socketRequestReadTimeoutMs, -1)
        XCTAssertEqual(c.connectionsMaxIdleMs, -1)
        XCTAssertThrowsError(try c.apply([("queued.max.requests", "0")]))
        XCTAssertThrowsError(try c.apply([("queued.max.request.bytes", "-2")]))
        XCTAssertThrowsError(try c.apply([("connections.max.idle.ms", "ten minutes")]))
        XCTAssertThrowsError(try c.apply([("socket.request.read.timeout.ms", "")]))
    }
}
