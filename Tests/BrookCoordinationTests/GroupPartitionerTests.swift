import BrookCoordination
import XCTest

final class GroupPartitionerTests: XCTestCase {
    func testJavaStringHashCode() {
        XCTAssertEqual(GroupPartitioner.javaHashCode(""), 0)
        XCTAssertEqual(GroupPartitioner.javaHashCode("hello"), 99_162_322)
        XCTAssertEqual(GroupPartitioner.javaHashCode("Aa"), GroupPartitioner.javaHashCode("BB"))
        XCTAssertEqual(GroupPartitioner.javaHashCode("my-group"), -1_906_497_762, "wraps in 32 bits")
        XCTAssertEqual(GroupPartitioner.javaHashCode("😀grp"), 1_276_929_186, "hashes UTF-16 code units (a surrogate pair)")
    }

    func testPartitionUsesKafkaAbs() {
        XCTAssertEqual(GroupPartitioner.javaHashCode("polygenelubricants"), Int32.min)
        XCTAssertEqual(GroupPartitioner.partition(for: "polygenelubricants", partitions: 50), 0, "abs(MIN_VALUE) is 0")
        XCTAssertEqual(GroupPartitioner.partition(for: "my-group", partitions: 50), 12)
        XCTAssertEqual(GroupPartitioner.partition(for: "console-consumer-12345", partitions: 50), 6)
        XCTAssertEqual(GroupPartitioner.partition(for: "hello", partitions: 50), 22)
        XCTAssertEqual(GroupPartitioner.partition(for: "hello", partitions: 1), 0)
    }
}
