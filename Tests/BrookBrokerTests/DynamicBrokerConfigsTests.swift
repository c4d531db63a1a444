@testable import BrookBroker
import XCTest

/// Per-broker runtime settings in a cluster live in one map every broker stores into: each broker
/// must see its own and the cluster-wide ones, never another broker's.
final class DynamicBrokerConfigsTests: XCTestCase {
    func testInAClusterEachBrokerSeesOnlyItsOwnPerBrokerSettings() {
        let one = DynamicBrokerConfigs(nodeId: 1)
        let two = DynamicBrokerConfigs(nodeId: 2)
        var shared = one.replacing(.broker, with: ["log.retention.ms": "1000"])
        two.load(shared)
        shared = two.replacing(.broker, with: ["log.retention.ms": "2000"])
        two.load(shared)
        shared = two.replacing(.clusterDefault, with: ["log.segment.bytes": "4096"])
        one.load(shared)
        two.load(shared)
        XCTAssertEqual(shared, ["broker.1.log.retention.ms": "1000", "broker.2.log.retention.ms": "2000",
                                "default.log.segment.bytes": "4096"])
        XCTAssertEqual(one.effective["log.retention.ms"]?.value, "1000")
        XCTAssertEqual(two.effective["log.retention.ms"]?.value, "2000")
        XCTAssertEqual(one.effective["log.retention.ms"]?.source, .dynamicBroker)
        XCTAssertEqual(one.effective["log.segment.bytes"]?.source, .dynamicDefaultBroker)
        XCTAssertEqual(two.values(.broker), ["log.retention.ms": "2000"])
        // Replacing its own scope keeps the other broker's keys.
        XCTAssertEqual(one.replacing(.broker, with: [:]).keys.sorted(), ["broker.2.log.retention.ms", "default.log.segment.bytes"])
    }

    func testASingleNodeKeepsItsStoredKeyNames() {
        let single = DynamicBrokerConfigs()
        XCTAssertEqual(single.replacing(.broker, with: ["log.retention.ms": "5"]), ["broker.log.retention.ms": "5"])
    }
}
