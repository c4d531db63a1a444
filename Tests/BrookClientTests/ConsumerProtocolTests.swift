import BrookClient
import NIOCore
import XCTest

final class ConsumerProtocolTests: XCTestCase {
    func testSubscriptionV1Bytes() {
        let subscription = ConsumerSubscription(topics: ["a"], ownedPartitions: [TopicPartition("a", 2)])
        XCTAssertEqual(Array(subscription.encode(version: 1).readableBytesView), [
            0, 1,  // version
            0, 0, 0, 1, 0, 1, 0x61,  // topics ["a"]
            0xFF, 0xFF, 0xFF, 0xFF,  // user data null
            0, 0, 0, 1, 0, 1, 0x61, 0, 0, 0, 1, 0, 0, 0, 2,  // owned a-2
        ])
    }

    func testSubscriptionRoundTripsEveryVersion() throws {
        let full = ConsumerSubscription(topics: ["a", "b"], userData: ByteBuffer(bytes: [1, 2]),
                                        ownedPartitions: [TopicPartition("a", 0), TopicPartition("b", 3)], generationId: 4, rackId: "r1")
        for version in Int16(0)...3 {
            let decoded = try ConsumerSubscription(decoding: full.encode(version: version))
            XCTAssertEqual(decoded.topics, full.topics)
            XCTAssertEqual(decoded.userData, full.userData)
            XCTAssertEqual(decoded.ownedPartitions, version >= 1 ? full.ownedPartitions : [])
            XCTAssertEqual(decoded.generationId, version >= 2 ? 4 : -1)
            XCTAssertEqual(decoded.rackId, version >= 3 ? "r1" : nil)
        }
    }

    func testAssignmentBytesAndEmptyAssignment() throws {
        let assignment = ConsumerAssignment(partitions: [TopicPartition("t", 1), TopicPartition("t", 0)])
        XCTAssertEqual(Array(assignment.encode().readableBytesView), [
            0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF,
        ])
        XCTAssertEqual(try ConsumerAssignment(decoding: assignment.encode()).partitions, [TopicPartition("t", 0), TopicPartition("t", 1)])
        XCTAssertEqual(try ConsumerAssignment(decoding: ByteBuffer()).partitions, [])
    }

    func testTruncatedSubscriptionThrows() {
        var bytes = ConsumerSubscription(topics: ["abc"]).encode()
        bytes.moveWriterIndex(to: 5)
        XCTAssertThrowsError(try ConsumerSubscription(decoding: bytes))
    }
}
