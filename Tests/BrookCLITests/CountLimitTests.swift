@testable import brook
import BrookClient
import XCTest

final class CountLimitTests: XCTestCase {
    private func records(_ pairs: [(Int32, Int64)]) -> [ConsumerRecord] {
        pairs.map { ConsumerRecord(topic: "t", partition: $0.0, offset: $0.1, timestamp: 0, key: nil, value: nil) }
    }

    func testACutPollResumesEachPartitionAtItsFirstUnprintedRecord() {
        var limit = CountLimit(3)
        let (printed, resume) = limit.take(records([(0, 10), (0, 11), (1, 5), (1, 6), (1, 7), (2, 0)]))
        XCTAssertEqual(printed.map(\.offset), [10, 11, 5])
        XCTAssertTrue(limit.isReached)
        XCTAssertEqual(resume, [TopicPartition("t", 1): 6, TopicPartition("t", 2): 0],
                       "partition 0 was printed whole; 1 resumes after offset 5; 2 was not printed at all")
    }

    func testPollsWithinTheLimitArePrintedWhole() {
        var limit = CountLimit(5)
        let first = limit.take(records([(0, 0), (0, 1)]))
        XCTAssertEqual(first.printed.count, 2)
        XCTAssertEqual(first.resume, [:])
        XCTAssertFalse(limit.isReached)
        let second = limit.take(records([(0, 2), (0, 3), (0, 4)]))
        XCTAssertEqual(second.printed.count, 3)
        XCTAssertEqual(second.resume, [:])
        XCTAssertTrue(limit.isReached)
    }

    func testNoLimitAndZero() {
        var unlimited = CountLimit(nil)
        XCTAssertEqual(unlimited.take(records((0..<1000).map { (0, Int64($0)) })).printed.count, 1000)
        XCTAssertFalse(unlimited.isReached)
        var zero = CountLimit(0)
        XCTAssertTrue(zero.isReached)
        let taken = zero.take(records([(0, 7)]))
        XCTAssertTrue(taken.printed.isEmpty)
        XCTAssertEqual(taken.resume, [TopicPartition("t", 0): 7])
    }
}
