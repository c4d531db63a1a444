@testable import BrookBroker
import BrookStorage
import XCTest

/// Kafka's `LeaderEpochFileCache.endOffsetFor` cases, plus Brook's current epoch counted as begun
/// where leadership began when no batch carries it yet.
final class LeaderEpochLookupTests: XCTestCase {
    private func lookup(_ requested: Int32, _ entries: [(Int32, Int64)], logEnd: Int64,
                        current: (Int32, Int64)?) -> LeaderEpochLookup {
        LeaderEpochLookup.endOffset(for: requested, entries: entries.map { EpochEntry(epoch: $0.0, startOffset: $0.1) },
                                    logEndOffset: logEnd, current: current.map { EpochEntry(epoch: $0.0, startOffset: $0.1) })
    }

    func testEpochsAnsweredFromTheEntries() {
        let entries: [(Int32, Int64)] = [(0, 0), (2, 5), (4, 9)]
        func at(_ epoch: Int32) -> LeaderEpochLookup { lookup(epoch, entries, logEnd: 12, current: (4, 9)) }
        XCTAssertEqual(at(4), .init(epoch: 4, endOffset: 12), "the latest epoch ends at the log end")
        XCTAssertEqual(at(3), .init(epoch: 2, endOffset: 9), "an epoch never seen: the largest below it")
        XCTAssertEqual(at(2), .init(epoch: 2, endOffset: 9))
        XCTAssertEqual(at(1), .init(epoch: 0, endOffset: 5))
        XCTAssertEqual(at(0), .init(epoch: 0, endOffset: 5))
        XCTAssertEqual(at(5), .undefined, "newer than every known epoch")
        XCTAssertEqual(at(-1), .undefined, "no epoch asked")
        XCTAssertTrue(at(-1).isUndefined)
    }

    func testAnEpochOlderThanTheFirstEndsWhereTheFirstStarts() {
        XCTAssertEqual(lookup(1, [(3, 10), (5, 20)], logEnd: 25, current: (5, 20)), .init(epoch: 1, endOffset: 10))
    }

    func testTheCurrentEpochWithoutBatchesCountsFromWhereLeadershipBegan() {
        let entries: [(Int32, Int64)] = [(0, 0), (2, 5)]
        func at(_ epoch: Int32) -> LeaderEpochLookup { lookup(epoch, entries, logEnd: 8, current: (6, 8)) }
        XCTAssertEqual(at(6), .init(epoch: 6, endOffset: 8))
        XCTAssertEqual(at(3), .init(epoch: 2, endOffset: 8), "epoch 2 ends where our leadership began")
        XCTAssertEqual(at(2), .init(epoch: 2, endOffset: 8))
        XCTAssertEqual(at(7), .undefined)
        XCTAssertEqual(lookup(0, [], logEnd: 0, current: (0, 0)), .init(epoch: 0, endOffset: 0), "an empty single-node log")
        XCTAssertEqual(lookup(1, [], logEnd: 0, current: (0, 0)), .undefined)
        XCTAssertEqual(lookup(0, [], logEnd: 0, current: nil), .undefined, "no epochs at all")
        XCTAssertEqual(lookup(2, entries, logEnd: 8, current: (2, 5)), .init(epoch: 2, endOffset: 8),
                       "a current epoch already in the entries changes nothing")
    }
}
