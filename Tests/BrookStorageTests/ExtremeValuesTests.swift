import BrookRecords
@testable import BrookStorage
import NIOCore
import XCTest
import BrookTestSupport

/// Offsets, timestamps and sequences from the wire or disk take any Int64/Int32 value: no arithmetic
/// on them may trap (issue 10, item 1).
final class ExtremeValuesTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanup() }

    static let extremeTimestamps: [Int64] = [
        Int64.min, Int64.min + 1, -2, -1, 0, 1, 1_700_000_000_000, Int64.max - 1, Int64.max,
    ]

    /// The crash of item 1: a normal batch, then one whose max timestamp is near Int64.min, made the
    /// time-based roll check (`first - firstMaxTimestamp`) overflow.
    func testBatchWithTimestampNearInt64MinAfterANormalOneIsAppended() throws {
        let log = try openLog(directory.path)
        _ = try log.append(batches: [makeBatch(timestamp: 1_000)], leaderEpoch: 0, now: 1_000)
        let result = try log.append(batches: [makeBatch(timestamp: Int64.min)], leaderEpoch: 0, now: 1_000)
        XCTAssertEqual(result.firstOffset, 1)
        XCTAssertEqual(try readAll(log).map(\.base), [0, 1])
        try log.close()
    }

    /// Every ordered pair of extreme timestamps, appended through the log, survives a dirty and a
    /// clean reopen; the time-based roll may or may not happen but nothing traps.
    func testEveryPairOfExtremeTimestampsAppendsAndRecovers() throws {
        var config = LogConfig()
        config.segmentMs = 1
        for (i, first) in Self.extremeTimestamps.enumerated() {
            for (j, second) in Self.extremeTimestamps.enumerated() {
                let path = directory.path + "/p\(i)-\(j)"
                let log = try openLog(path, config: config)
                _ = try log.append(batches: [makeBatch(timestamp: first)], leaderEpoch: 0, now: 0)
                _ = try log.append(batches: [makeBatch(timestamp: second), makeBatch(timestamp: first)],
                                   leaderEpoch: 0, now: Int64.max)
                _ = try log.append(batches: [makeBatch(timestamp: second)], leaderEpoch: 0, now: 0)
                XCTAssertEqual(try readAll(log).map(\.base), [0, 1, 2, 3])
                _ = try log.offsetForTimestamp(first)
                _ = try log.offsetForTimestamp(second)
                try log.close()
                for clean in [false, true] {
                    let reopened = try openLog(path, config: config, clean: clean, now: Int64.max)
                    XCTAssertEqual(reopened.logEndOffset, 4, "timestamps \(first), \(second), clean \(clean)")
                    _ = try reopened.append(batches: [makeBatch(timestamp: first)], leaderEpoch: 0, now: Int64.min)
                    XCTAssertEqual(try readAll(reopened).count, 5)
                    try reopened.truncate(to: 4)
                    try reopened.close()
                }
            }
        }
    }

    /// A stored batch whose baseOffset is Int64.max (a damaged file) is rejected by recovery after a
    /// crash, and after a clean shutdown neither loading nor appending traps.
    func testStoredBaseOffsetNearInt64MaxDoesNotTrap() throws {
        for clean in [false, true] {
            let path = directory.path + "/clean-\(clean)"
            let log = try openLog(path)
            _ = try log.append(batches: [makeBatch(), makeBatch(records: 3)], leaderEpoch: 0, now: 0)
            try log.close()
            let file = try segmentFiles(path, suffix: ".log")[0]
            let second = makeBatch().readableBytes
            for byte in 0..<8 { try patchFile(file, at: second + byte) { _ in byte == 0 ? 0x7F : 0xFF } }
            let reopened = try openLog(path, clean: clean)
            if !clean { XCTAssertEqual(reopened.logEndOffset, 1, "recovery stops at the damaged batch") }
            _ = try? reopened.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
            _ = try? reopened.read(from: 0, maxBytes: 1 << 20, upTo: Int64.max, minOneBatch: true)
            try reopened.close()
        }
    }

    /// A checkpointed log start offset near Int64.max (a damaged checkpoint) is ignored, and appends
    /// that would pass the largest offset are refused, not trapped on.
    func testLogStartCheckpointNearInt64MaxIsIgnored() throws {
        let log = try openLog(directory.path, logStartOffset: Int64.max - 1)
        XCTAssertEqual(log.logEndOffset, 0)
        _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0)
        try log.close()

        let near = try openLog(directory.path + "/near", logStartOffset: Segment.maxBaseOffset)
        XCTAssertEqual(near.logEndOffset, Segment.maxBaseOffset)
        XCTAssertThrowsError(try near.append(batches: [makeBatch()], leaderEpoch: 0, now: 0))
        try near.close()
    }

    func testSegmentFileNamesBeyondTheLargestBaseAreNotSegments() {
        XCTAssertEqual(Segment.baseOffset(fromLogFileName: Segment.fileName(Segment.maxBaseOffset, ".log")),
                       Segment.maxBaseOffset)
        XCTAssertNil(Segment.baseOffset(fromLogFileName: Segment.fileName(Segment.maxBaseOffset + 1, ".log")))
        XCTAssertNil(Segment.baseOffset(fromLogFileName: "99999999999999999999.log"))
    }

    func testHeaderAndRecordOffsetsSaturate() {
        let header = RecordBatchHeader(baseOffset: Int64.max, lastOffsetDelta: Int32.max)
        XCTAssertEqual(header.lastOffset, Int64.max)
        XCTAssertEqual(RecordBatchHeader(baseOffset: Int64.min, lastOffsetDelta: Int32.min).lastOffset, Int64.min)
        let record = Record(offsetDelta: Int32.max, key: nil, value: nil)
        XCTAssertEqual(record.absoluteOffset(baseOffset: Int64.max - 1), Int64.max)
        XCTAssertEqual(Int64.max.saturatingAdd(1), Int64.max)
        XCTAssertEqual(Int64.min.saturatingSubtract(1), Int64.min)
        XCTAssertEqual(Int64(0).saturatingSubtract(Int64.min), Int64.max)
        XCTAssertEqual(Int64(5).saturatingAdd(-7), -2)
    }

    /// Producer state kept from client batches: an idle check against a last timestamp of Int64.min
    /// (the producer's own value) overflowed `now - lastTimestamp`.
    func testProducerExpiryWithExtremeTimestampsDoesNotTrap() throws {
        for timestamp in Self.extremeTimestamps {
            var state = ProducerStateManager(mapEndOffset: 0)
            let header = RecordBatchHeader(lastOffsetDelta: 0, baseTimestamp: timestamp, maxTimestamp: timestamp,
                                           producerId: 7, producerEpoch: 0, baseSequence: 0, recordCount: 1)
            XCTAssertEqual(try state.check([header]), .append)
            state.record([header], firstOffset: Int64.max)
            XCTAssertEqual(state.mapEndOffset, Int64.max)
            for now in [Int64.min, 0, Int64.max] { _ = state.removeExpired(now: now, expirationMs: 1) }
        }
    }

    func testSequenceArithmeticAtTheExtremes() {
        func last(_ base: Int32, _ delta: Int32) -> Int32 {
            ProducerSequence.last(of: RecordBatchHeader(lastOffsetDelta: delta, baseSequence: base))
        }
        XCTAssertEqual(last(Int32.max, 0), Int32.max)
        XCTAssertEqual(last(Int32.max, 1), 0, "sequences wrap to 0 after Int32.max")
        XCTAssertEqual(last(Int32.max, Int32.max), Int32.max - 1)
        XCTAssertEqual(last(Int32.min, Int32.min), Int32.min, "a damaged negative delta is clamped")
        XCTAssertTrue(ProducerSequence.follows(0, last: Int32.max))
    }
}

/// Fuzz of the start-up and read paths over damaged segment files: extreme values (Int64.min/max,
/// Int32.min/max, negative lengths) written over header fields of stored batches must never trap,
/// whether the log reopens after a crash (scan) or a clean shutdown (header walk).
final class DamagedHeaderFuzzTests: XCTestCase {
    static let values: [Int64] = [Int64.min, Int64.min + 1, Int64(Int32.min), -1, 0, 1, Int64(Int32.max), Int64.max]
    /// (position in the header, width): baseOffset, batchLength, lastOffsetDelta, baseTimestamp,
    /// maxTimestamp, producerId, baseSequence, recordCount.
    static let fields: [(Int, Int)] = [(0, 8), (8, 4), (23, 4), (27, 8), (35, 8), (43, 8), (53, 4), (57, 4)]

    func testExtremeValuesInStoredHeadersNeverTrap() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var rng = SeededRNG(seed: 0xB0B)
        let batch = makeBatch(records: 2, valueSize: 10)
        let config = LogConfig(segmentBytes: batch.readableBytes * 4, indexIntervalBytes: 1)
        for round in 0..<120 {
            let path = dir.path + "/r\(round)"
            let log = try openLog(path, config: config)
            for i in 0..<10 { _ = try log.append(batches: [makeBatch(records: 2, valueSize: 10, timestamp: Int64(i))],
                                                 leaderEpoch: 0, now: 0) }
            try log.close()
            let files = try segmentFiles(path, suffix: ".log")
            let file = files[Int.random(in: 0..<files.count, using: &rng)]
            let batchIndex = Int.random(in: 0..<max(1, try fileSize(file) / batch.readableBytes), using: &rng)
            let (position, width) = Self.fields[Int.random(in: 0..<Self.fields.count, using: &rng)]
            let value = Self.values[Int.random(in: 0..<Self.values.count, using: &rng)]
            for byte in 0..<width {
                let shift = UInt64((width - 1 - byte) * 8)
                let b = UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> shift)
                try patchFile(file, at: batchIndex * batch.readableBytes + position + byte) { _ in b }
            }
            let clean = round % 2 == 0
            let context = "round \(round) \(file) batch \(batchIndex) field \(position) value \(value) clean \(clean)"
            guard let reopened = try? openLog(path, config: config, clean: clean) else { continue }
            var offset = reopened.logStartOffset
            var reads = 0
            while offset < reopened.logEndOffset, reads < 50 {
                reads += 1
                guard let read = try? reopened.read(from: offset, maxBytes: 1 << 16, upTo: reopened.logEndOffset,
                                                    minOneBatch: true),
                      let first = RecordBatchHeader(peekingAt: read.records), first.lastOffset >= offset,
                      first.lastOffset < Int64.max
                else { break }
                let last = first.lastOffset
                offset = last + 1
            }
            _ = try? reopened.offsetForTimestamp(5)
            _ = try? reopened.append(batches: [makeBatch()], leaderEpoch: 0, now: Int64.max)
            XCTAssertNoThrow(try reopened.close(), context)
        }
    }
}
