import BrookCluster
import XCTest

/// The sans-IO parts of replication throttling: Kafka's windowed rate and the throttled-replicas lists.
final class ReplicationThrottleRulesTests: XCTestCase {
    func testARateIsAveragedOverAtLeastAllSamplesButTheCurrentOne() {
        var window = ReplicationRateWindow(sampleMs: 1000, sampleCount: 11)
        XCTAssertEqual(window.rate(now: 0), 0)
        window.record(5000, now: 0)
        XCTAssertEqual(window.rate(now: 500), 500, "a first burst counts over 10 s")
        XCTAssertFalse(window.exceeds(500, now: 500))
        XCTAssertTrue(window.exceeds(499, now: 500))
        XCTAssertFalse(window.exceeds(Int64.max, now: 500), "unlimited is never exceeded")
        window.record(5000, now: 3000)
        XCTAssertEqual(window.rate(now: 3000), 1000)
    }

    func testOldSamplesLeaveTheWindow() {
        var window = ReplicationRateWindow(sampleMs: 1000, sampleCount: 3)
        window.record(4000, now: 0)
        XCTAssertEqual(window.rate(now: 1000), 2000)
        XCTAssertEqual(window.rate(now: 3000), 0, "3 samples of 1 s: the burst at 0 is gone at 3 s")
        window.record(100, now: 3500)
        XCTAssertEqual(window.rate(now: 3500), 50)
    }

    func testThrottledReplicasListsNamePartitionsOnBrokersOrEverything() {
        let list = ThrottledReplicas("0:1, 0:2,3:1,bogus")
        XCTAssertTrue(list.contains(partition: 0, broker: 2))
        XCTAssertTrue(list.contains(partition: 3, broker: 1))
        XCTAssertFalse(list.contains(partition: 3, broker: 2))
        XCTAssertTrue(ThrottledReplicas("*").contains(partition: 9, broker: 9))
        XCTAssertFalse(ThrottledReplicas(nil).contains(partition: 0, broker: 0))
        XCTAssertFalse(ThrottledReplicas("").contains(partition: 0, broker: 0))
    }
}
