@testable import BrookBroker
import BrookStorage
import BrookTestSupport
import XCTest

/// `LegacyOffsets` (ListOffsets v0's old_style_offsets) against hand-worked cases of Kafka 3.9's
/// `legacyFetchOffsetsBefore` rules, plus hostile inputs.
final class OldApiVersionsLegacyOffsetsTests: XCTestCase {
    /// Three segments based at 0, 100 and 200, modified at 1000, 2000 and 3000; log end 250 (the active
    /// segment holds bytes), log start 0.
    private let segments = [
        SegmentTime(baseOffset: 0, lastModifiedMs: 1_000, size: 10),
        SegmentTime(baseOffset: 100, lastModifiedMs: 2_000, size: 10),
        SegmentTime(baseOffset: 200, lastModifiedMs: 3_000, size: 10),
    ]

    private func offsets(_ timestamp: Int64, max: Int32, segments: [SegmentTime]? = nil, logStart: Int64 = 0,
                         logEnd: Int64 = 250, highWatermark: Int64? = nil, now: Int64 = 9_000) -> [Int64]? {
        LegacyOffsets.offsets(before: timestamp, maxNumOffsets: max, segments: segments ?? self.segments,
                              logStartOffset: logStart, logEndOffset: logEnd, highWatermark: highWatermark, now: now)
    }

    func testLatestAndEarliest() {
        XCTAssertEqual(offsets(-1, max: 1), [250])
        XCTAssertEqual(offsets(-1, max: 3), [250, 200, 100])
        XCTAssertEqual(offsets(-1, max: 100), [250, 200, 100, 0])
        XCTAssertEqual(offsets(-2, max: 1), [0])
        // Earliest is one candidate whatever the count.
        XCTAssertEqual(offsets(-2, max: 100), [0])
    }

    func testTimestampPicksTheNewestSegmentModifiedAtOrBeforeIt() {
        XCTAssertEqual(offsets(2_500, max: 1), [100])
        XCTAssertEqual(offsets(2_000, max: 5), [100, 0])
        XCTAssertEqual(offsets(3_000, max: 5), [200, 100, 0])
        // The log end counts as modified `now`.
        XCTAssertEqual(offsets(9_000, max: 2), [250, 200])
        XCTAssertEqual(offsets(8_999, max: 2), [200, 100])
        XCTAssertEqual(offsets(999, max: 5), [])
        XCTAssertEqual(offsets(Int64.max, max: 1), [250])
        XCTAssertEqual(offsets(0, max: 1), [])
    }

    func testLogStartRaisesTheFirstSegmentBase() {
        XCTAssertEqual(offsets(-2, max: 1, logStart: 42), [42])
        XCTAssertEqual(offsets(-1, max: 10, logStart: 42), [250, 200, 100, 42])
    }

    func testEmptyActiveSegmentAddsNoLogEndCandidate() {
        let rolled = segments + [SegmentTime(baseOffset: 250, lastModifiedMs: 4_000, size: 0)]
        XCTAssertEqual(offsets(-1, max: 2, segments: rolled), [250, 200])
        XCTAssertEqual(offsets(9_000, max: 1, segments: rolled), [250])
        // A fresh partition: one empty segment, so latest and earliest are both 0.
        let fresh = [SegmentTime(baseOffset: 0, lastModifiedMs: 1_000, size: 0)]
        XCTAssertEqual(offsets(-1, max: 5, segments: fresh, logEnd: 0), [0])
        XCTAssertEqual(offsets(-2, max: 5, segments: fresh, logEnd: 0), [0])
    }

    func testConsumerOffsetsAreCappedToTheHighWatermark() {
        XCTAssertEqual(offsets(-1, max: 3, highWatermark: 220), [220, 200, 100])
        XCTAssertEqual(offsets(-1, max: 3, highWatermark: 150), [150, 100])
        XCTAssertEqual(offsets(-1, max: 3, highWatermark: 250), [250, 200, 100])
        XCTAssertEqual(offsets(-2, max: 1, highWatermark: 0), [0])
    }

    func testCountsZeroNegativeAndHuge() {
        XCTAssertEqual(offsets(-1, max: 0), [])
        XCTAssertNil(offsets(-1, max: -1))
        XCTAssertNil(offsets(-2, max: Int32.min))
        XCTAssertEqual(offsets(-1, max: Int32.max)?.count, 4)
    }

    /// Random shapes and hostile values: never traps, never returns more than asked or than there are
    /// candidates, always newest first, and a consumer never sees an offset above the high watermark.
    func testRandomShapesKeepTheInvariants() {
        var rng = SeededRNG(seed: 0x0FF5E7)
        let extremes: [Int64] = [Int64.min, Int64.min + 1, -3, -2, -1, 0, 1, Int64.max - 1, Int64.max]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...6, using: &rng)
            var base: Int64 = Bool.random(using: &rng) ? 0 : Int64.random(in: 0...(Int64.max / 2), using: &rng)
            var segments: [SegmentTime] = []
            for _ in 0..<count {
                let time = Bool.random(using: &rng) ? extremes.randomElement(using: &rng)!
                    : Int64.random(in: 0...10_000, using: &rng)
                segments.append(SegmentTime(baseOffset: base, lastModifiedMs: time, size: Int.random(in: 0...2, using: &rng)))
                base += Int64.random(in: 0...1_000, using: &rng)
            }
            let logEnd = base
            let logStart = Bool.random(using: &rng) ? 0 : Int64.random(in: 0...max(0, logEnd), using: &rng)
            let hw: Int64? = Bool.random(using: &rng) ? nil : Int64.random(in: 0...max(0, logEnd), using: &rng)
            let timestamp = Bool.random(using: &rng) ? extremes.randomElement(using: &rng)!
                : Int64.random(in: 0...12_000, using: &rng)
            let maxNum = Bool.random(using: &rng) ? Int32.random(in: -2...8, using: &rng)
                : [Int32.min, Int32.max].randomElement(using: &rng)!
            let result = LegacyOffsets.offsets(before: timestamp, maxNumOffsets: maxNum, segments: segments,
                                               logStartOffset: logStart, logEndOffset: logEnd, highWatermark: hw, now: 5_000)
            guard maxNum >= 0 else {
                XCTAssertNil(result)
                continue
            }
            guard let found = result else { return XCTFail("nil for a count of \(maxNum)") }
            XCTAssertLessThanOrEqual(found.count, Int(maxNum))
            XCTAssertLessThanOrEqual(found.count, segments.count + 1)
            XCTAssertEqual(found, found.sorted(by: >))
            if let hw { XCTAssertTrue(found.allSatisfy { $0 <= hw }, "\(found) hw \(hw)") }
        }
    }
}
