import BrookRecords
@testable import BrookStorage
import BrookTestSupport
import NIOCore
import XCTest

/// The in-memory positions of the last appended batches must answer exactly as the file walk does.
final class RecentBatchesTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    private func header(base: Int64, lastDelta: Int32, totalSize: Int) -> RecordBatchHeader {
        RecordBatchHeader(baseOffset: base, batchLength: Int32(totalSize - RecordBatchHeader.logOverhead),
                          partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes: 0, lastOffsetDelta: lastDelta,
                          baseTimestamp: 0, maxTimestamp: 0, producerId: -1, producerEpoch: -1, baseSequence: -1,
                          recordCount: lastDelta + 1)
    }

    func testLookupFindsPastEndOrDoesNotKnow() {
        var recent = RecentBatches(capacity: 3)
        // Batches 10..11 @0, 12..14 @100, 15 @250, 16..19 @300 (size 80).
        recent.appended(header(base: 10, lastDelta: 1, totalSize: 100), at: 0)
        recent.appended(header(base: 12, lastDelta: 2, totalSize: 150), at: 100)
        recent.appended(header(base: 15, lastDelta: 0, totalSize: 50), at: 250)
        recent.appended(header(base: 16, lastDelta: 3, totalSize: 80), at: 300)
        XCTAssertEqual(recent.count, 3, "the oldest is dropped at capacity")
        XCTAssertEqual(recent.lookup(11), .unknown)
        XCTAssertEqual(recent.lookup(Int64.min), .unknown)
        XCTAssertEqual(recent.lookup(12).position, 100)
        XCTAssertEqual(recent.lookup(14).position, 100)
        XCTAssertEqual(recent.lookup(15).position, 250)
        XCTAssertEqual(recent.lookup(19).position, 300)
        XCTAssertEqual(recent.lookup(20), .pastEnd)
        XCTAssertEqual(recent.lookup(Int64.max), .pastEnd)

        recent.truncated(toSize: 250)
        XCTAssertEqual(recent.lookup(15), .pastEnd, "batches cut away are forgotten")
        XCTAssertEqual(recent.lookup(13).position, 100)

        // A batch that does not follow the last one kept: nothing older can be trusted.
        recent.appended(header(base: 40, lastDelta: 0, totalSize: 70), at: 900)
        XCTAssertEqual(recent.count, 1)
        XCTAssertEqual(recent.lookup(13), .unknown)
    }

    /// Random batch sizes, appends, truncations and rolls: `locate` (cache first) agrees with a walk
    /// of the file for every offset, and reads return the same batches.
    func testLocateAgreesWithTheFileWalk() throws {
        var rng = SeededRNG(seed: 0xB47C4)
        let config = LogConfig(segmentBytes: 6_000, indexIntervalBytes: 700)
        let log = try openLog(dir.path, config: config)
        for round in 0..<40 {
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let batch = makeBatch(records: Int.random(in: 1...5, using: &rng),
                                      valueSize: Int.random(in: 1...300, using: &rng))
                _ = try log.append(batches: [batch], leaderEpoch: 0, now: 0)
            }
            if round % 7 == 6, log.logEndOffset > 3 {
                try log.truncate(to: log.logEndOffset - Int64.random(in: 1...3, using: &rng))
            }
            log.highWatermark = log.logEndOffset
            for segment in log.segments {
                var probe = segment.baseOffset - 1
                while probe <= segment.nextOffset + 1 {
                    let cached = try segment.locate(probe)
                    let saved = segment.recentBatches
                    segment.recentBatches.removeAll()
                    let walked = try segment.locate(probe)
                    segment.recentBatches = saved
                    XCTAssertEqual(cached?.position, walked?.position, "round \(round) offset \(probe)")
                    XCTAssertEqual(cached?.header, walked?.header, "round \(round) offset \(probe)")
                    probe += 1
                }
            }
        }
        XCTAssertGreaterThan(log.segmentCount, 3)
        XCTAssertGreaterThan(log.activeSegment.recentBatches.count, 0)
        try log.close()
    }
}

private extension RecentBatches.Lookup {
    var position: Int? {
        if case .found(let position, _) = self { return position }
        return nil
    }
}
