import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

final class OffsetsTopicRecordTests: XCTestCase {
    private func bytes(_ buffer: ByteBuffer?) -> [UInt8] { buffer.map { Array($0.readableBytesView) } ?? [] }

    func testOffsetCommitKeyAndValueLayouts() {
        let record = OffsetsTopicRecord.offsetCommit(
            group: "g", .init(topic: "t", partition: 3),
            CommittedOffset(offset: 0x0102, leaderEpoch: 7, metadata: "md", commitTimestamp: 0x0A0B))
        XCTAssertEqual(bytes(record.encodeKey()), [0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 3])
        XCTAssertEqual(bytes(record.encodeValue()), [0, 3, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 7, 0, 2, 0x6D, 0x64,
                                                     0, 0, 0, 0, 0, 0, 0x0A, 0x0B])
    }

    func testExpiringCommitUsesValueVersionOne() {
        let record = OffsetsTopicRecord.offsetCommit(
            group: "g", .init(topic: "t", partition: 0),
            CommittedOffset(offset: 1, metadata: "", commitTimestamp: 2, expireTimestamp: 3))
        XCTAssertEqual(bytes(record.encodeValue()), [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
                                                     0, 0, 0, 0, 0, 0, 0, 3])
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: record.encodeKey(), value: record.encodeValue()), record)
    }

    func testGroupMetadataLayout() {
        let value = GroupMetadataValue(
            protocolType: "consumer", generation: 2, protocolName: "range", leader: "m", currentStateTimestamp: 9,
            members: [.init(memberId: "m", groupInstanceId: nil, clientId: "c", clientHost: "/h", rebalanceTimeout: 5,
                            sessionTimeout: 6, subscription: ByteBuffer(bytes: [1]), assignment: ByteBuffer(bytes: [2, 3]))])
        let record = OffsetsTopicRecord.groupMetadata(group: "g", value)
        XCTAssertEqual(bytes(record.encodeKey()), [0, 2, 0, 1, 0x67])
        var expected: [UInt8] = [0, 3, 0, 8] + Array("consumer".utf8) + [0, 0, 0, 2, 0, 5] + Array("range".utf8)
        expected += [0, 1, 0x6D, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1]
        expected += [0, 1, 0x6D, 0xFF, 0xFF, 0, 1, 0x63, 0, 2, 0x2F, 0x68, 0, 0, 0, 5, 0, 0, 0, 6]
        expected += [0, 0, 0, 1, 1, 0, 0, 0, 2, 2, 3]
        XCTAssertEqual(bytes(record.encodeValue()), expected)
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: record.encodeKey(), value: record.encodeValue()), record)
    }

    func testTombstonesAndRoundTrips() throws {
        let tombstone = OffsetsTopicRecord.offsetCommit(group: "g", .init(topic: "t", partition: 1), nil)
        XCTAssertNil(tombstone.encodeValue())
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: tombstone.encodeKey(), value: nil), tombstone)
        let groupTombstone = OffsetsTopicRecord.groupMetadata(group: "g", nil)
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: groupTombstone.encodeKey(), value: nil), groupTombstone)
        let commit = OffsetsTopicRecord.offsetCommit(group: "grp", .init(topic: "topic", partition: 9),
                                                     CommittedOffset(offset: 99, leaderEpoch: -1, metadata: "x", commitTimestamp: 5))
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: commit.encodeKey(), value: commit.encodeValue()), commit)
    }

    func testOlderAndFlexibleValueVersionsDecode() throws {
        let key = OffsetsTopicRecord.offsetCommit(group: "g", .init(topic: "t", partition: 0), nil).encodeKey()
        var v0 = ByteBuffer()
        v0.writeKafkaInteger(Int16(0)); v0.writeKafkaInteger(Int64(5)); v0.writeKafkaString("m", compact: false)
        v0.writeKafkaInteger(Int64(6))
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: key, value: v0),
                       .offsetCommit(group: "g", .init(topic: "t", partition: 0), CommittedOffset(offset: 5, metadata: "m", commitTimestamp: 6)))
        var v4 = ByteBuffer()
        v4.writeKafkaInteger(Int16(4)); v4.writeKafkaInteger(Int64(5)); v4.writeKafkaInteger(Int32(2))
        v4.writeKafkaString("m", compact: true); v4.writeKafkaInteger(Int64(6)); v4.writeUnsignedVarint(0)
        XCTAssertEqual(try OffsetsTopicRecord.decode(key: key, value: v4),
                       .offsetCommit(group: "g", .init(topic: "t", partition: 0),
                                     CommittedOffset(offset: 5, leaderEpoch: 2, metadata: "m", commitTimestamp: 6)))
    }

    func testOtherRecordTypesAreSkippedAndGarbageIsAnError() {
        // Key versions 3–8 are KIP-848 records (ConsumerGroupPersistenceTests); 9+ (share groups) are skipped.
        var newerKey = ByteBuffer()
        newerKey.writeKafkaInteger(Int16(9))
        newerKey.writeKafkaString("g", compact: false)
        XCTAssertNil(try OffsetsTopicRecord.decode(key: newerKey, value: nil))
        XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: ByteBuffer(bytes: [0, 1, 0]), value: nil))
        XCTAssertThrowsError(try OffsetsTopicRecord.decode(key: ByteBuffer(bytes: [0xFF, 0xFF]), value: nil))
    }

    func testConsumerSubscriptionTopics() {
        XCTAssertEqual(ConsumerProtocolSubscription.topics(in: GroupHarness.consumerMetadata(["a", "b"])), ["a", "b"])
        XCTAssertNil(ConsumerProtocolSubscription.topics(in: ByteBuffer(bytes: [0, 0, 0, 0, 0, 9])))
    }
}
