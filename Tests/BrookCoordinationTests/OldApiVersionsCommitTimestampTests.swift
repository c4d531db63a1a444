import BrookCoordination
import BrookProtocol
import XCTest

/// OffsetCommit v1's per-partition commit timestamp: stored as given (-1 means now), it dates the
/// offset for `offsets.retention.minutes` as in Kafka; hostile values (and a hostile v2–4 retention
/// time) never trap the coordinator.
final class OldApiVersionsCommitTimestampTests: XCTestCase {
    private func commit(_ h: inout GroupHarness, partition: Int32 = 0, commitTimestamp: Int64,
                        retention: Int64 = -1, version: Int16 = 1) -> [ErrorCode] {
        let input = OffsetCommitInput(groupId: "g", retentionTimeMs: retention, apiVersion: version, partitions: [
            .init(topic: "t", partition: partition, offset: 7, commitTimestamp: commitTimestamp),
        ])
        let (errors, effects) = h.shard.commitOffsets(input, now: h.now)
        h.apply(effects)
        return errors
    }

    func testCommitTimestampIsStoredAndMinusOneMeansNow() {
        var h = GroupHarness()
        XCTAssertEqual(commit(&h, partition: 0, commitTimestamp: 12_345), [ErrorCode.none])
        XCTAssertEqual(commit(&h, partition: 1, commitTimestamp: -1), [ErrorCode.none])
        let stored = h.shard.committedOffsets(of: "g")
        XCTAssertEqual(stored[.init(topic: "t", partition: 0)]?.commitTimestamp, 12_345)
        XCTAssertEqual(stored[.init(topic: "t", partition: 1)]?.commitTimestamp, h.now)
        // The stored record carries it too, so it survives a reload.
        XCTAssertTrue(h.appended.contains { record in
            if case .offsetCommit(_, let tp, let value?) = record { return tp.partition == 0 && value.commitTimestamp == 12_345 }
            return false
        })
    }

    func testAnOldCommitTimestampExpiresEarlier() {
        var h = GroupHarness { $0.offsetsRetentionMs = 60_000; $0.offsetsRetentionCheckIntervalMs = 10_000 }
        h.apply(h.shard.loadCompleted(now: h.now))
        _ = commit(&h, partition: 0, commitTimestamp: h.now - 55_000)
        _ = commit(&h, partition: 1, commitTimestamp: -1)
        h.advance(by: 10_000)
        XCTAssertEqual(h.shard.committedOffsets(of: "g").keys.map(\.partition), [1])
    }

    func testHostileTimestampsAndRetentionDoNotTrap() {
        var h = GroupHarness { $0.offsetsRetentionMs = 60_000; $0.offsetsRetentionCheckIntervalMs = 10_000 }
        h.apply(h.shard.loadCompleted(now: h.now))
        for (partition, timestamp) in [Int64.min, Int64.min + 1, Int64.max, -2].enumerated() {
            XCTAssertEqual(commit(&h, partition: Int32(partition), commitTimestamp: timestamp), [ErrorCode.none])
        }
        XCTAssertEqual(commit(&h, partition: 9, commitTimestamp: -1, retention: Int64.max, version: 2), [ErrorCode.none])
        XCTAssertEqual(commit(&h, partition: 10, commitTimestamp: -1, retention: Int64.min, version: 2), [ErrorCode.none])
        h.advance(by: 10_000)
        h.advance(by: 10_000)
        // Int64.min wraps like Kafka's long arithmetic (never expires); -2 is far in the past (expired).
        let left = Set(h.shard.committedOffsets(of: "g").keys.map(\.partition))
        XCTAssertTrue(left.contains(0))
        XCTAssertFalse(left.contains(3))
    }
}
