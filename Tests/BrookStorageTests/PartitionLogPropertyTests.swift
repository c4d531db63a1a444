@testable import BrookStorage
import Foundation
import NIOCore
import XCTest
import BrookTestSupport

final class PartitionLogPropertyTests: XCTestCase {
    struct StoredBatch {
        var base: Int64
        var last: Int64
        var size: Int
    }

    /// Random appends, clean and unclean reopens, torn tails, garbage and flipped bytes: every batch
    /// before the damage stays readable with its offsets, and appends continue right after it.
    func testRandomAppendReopenAndTornTails() throws {
        for seed in UInt64(1)...12 {
            try runScenario(seed: seed)
        }
    }

    func runScenario(seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let config = LogConfig(segmentBytes: Int.random(in: 2_000...4_000, using: &rng),
                               indexIntervalBytes: Int.random(in: 1...300, using: &rng))
        var model: [StoredBatch] = []
        var log = try openLog(dir.path, config: config)
        var epoch: Int32 = 0

        for step in 0..<120 {
            let operation = Int.random(in: 0..<10, using: &rng)
            var context = "seed \(seed) step \(step) operation \(operation)"
            switch operation {
            case 0..<6:
                let count = Int.random(in: 1...3, using: &rng)
                let batches = (0..<count).map { _ in
                    makeBatch(records: Int.random(in: 1...4, using: &rng), valueSize: Int.random(in: 0...120, using: &rng),
                              timestamp: Int64(step))
                }
                if Bool.random(using: &rng) { epoch += 1 }
                let result = try log.append(batches: batches, leaderEpoch: epoch, now: Int64(step))
                var next = result.firstOffset
                XCTAssertEqual(next, (model.last?.last ?? -1) + 1, context)
                for batch in batches {
                    let records = Int64(RecordBatchHeaderView.lastOffsetDelta(batch)) + 1
                    model.append(StoredBatch(base: next, last: next + records - 1, size: batch.readableBytes))
                    next += records
                }
            case 6:
                if Bool.random(using: &rng), let flush = log.prepareFlush(now: Int64(step)) {
                    try flush.perform()
                    log.completeFlush(flush)
                }
                try log.close()
                log = try openLog(dir.path, config: config, recoveryPoint: log.recoveryPoint, clean: true)
            case 7 where Bool.random(using: &rng) && log.logEndOffset > 0:
                let target = Int64.random(in: 0..<log.logEndOffset, using: &rng)
                context += " truncate to \(target)"
                try log.truncate(to: target)
                model.removeAll { $0.last >= target }
            case 7:
                let recoveryPoint = log.recoveryPoint
                log.closeWithoutFlushForTesting()
                log = try openLog(dir.path, config: config, recoveryPoint: recoveryPoint)
            default:
                // Damage the active segment, then reopen uncleanly.
                log.closeWithoutFlushForTesting()
                let path = try XCTUnwrap(segmentFiles(dir.path, suffix: ".log").last)
                let base = Int64((path as NSString).lastPathComponent.dropLast(4))!
                let inSegment = model.filter { $0.base >= base }
                let size = try fileSize(path)
                XCTAssertEqual(size, inSegment.reduce(0) { $0 + $1.size }, context)
                var survivors = model.count - inSegment.count
                let damage = Int.random(in: 0..<3, using: &rng)
                context += " damage \(damage) size \(size)"
                switch damage {
                case 0 where size > 0:
                    let cut = Int.random(in: 0..<size, using: &rng)
                    try truncateFile(path, to: cut)
                    var end = 0
                    for batch in inSegment {
                        if end + batch.size > cut { break }
                        end += batch.size
                        survivors += 1
                    }
                case 1 where size > 0:
                    // Flip a byte covered by the CRC (after the CRC field) in a random batch.
                    let victim = Int.random(in: 0..<inSegment.count, using: &rng)
                    let start = inSegment[..<victim].reduce(0) { $0 + $1.size }
                    let at = start + 21 + Int.random(in: 0..<(inSegment[victim].size - 21), using: &rng)
                    try patchFile(path, at: at) { $0 ^ 0x5A }
                    survivors += victim
                default:
                    try appendToFile(path, (0..<Int.random(in: 1...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
                    survivors = model.count
                }
                model.removeSubrange(survivors...)
                log = try openLog(dir.path, config: config, recoveryPoint: 0)
            }
            XCTAssertEqual(log.logEndOffset, (model.last?.last ?? -1) + 1, context)
            let stored = try readAll(log)
            XCTAssertEqual(stored.map(\.base), model.map(\.base), context)
            XCTAssertEqual(stored.map(\.last), model.map(\.last), context)
            if stored.map(\.base) != model.map(\.base) { return }
        }
        try log.close()
    }
}

/// Reads header fields of a test batch.
enum RecordBatchHeaderView {
    static func lastOffsetDelta(_ batch: ByteBuffer) -> Int32 {
        batch.getInteger(at: batch.readerIndex + 23, as: Int32.self)!
    }
}
