import BrookProtocol
import NIOCore
import XCTest

/// OffsetForLeaderEpoch (23) v0–4: byte layouts built by hand from Kafka's message definitions
/// (ReplicaId 3+, CurrentLeaderEpoch 2+, the response's LeaderEpoch 1+ and ThrottleTimeMs 2+,
/// flexible 4+), and round trips of every version. The same bytes come out of kafka-python
/// 3.0.12's codec for these messages (checked by hand; it is not a test dependency).
final class OffsetForLeaderEpochCodecTests: XCTestCase {
    private let t = UInt8(ascii: "t")

    private func encoded<M: KafkaMessage>(_ message: M, _ version: Int16) -> [UInt8] {
        var out = ByteBuffer()
        message.encode(into: &out, version: version)
        return Array(out.readableBytesView)
    }

    private func decoded<M: KafkaMessage>(_ bytes: [UInt8], as: M.Type, _ version: Int16) throws -> M {
        var buffer = ByteBuffer(bytes: bytes)
        let message = try M(from: &buffer, version: version)
        XCTAssertEqual(buffer.readableBytes, 0, "v\(version) left bytes unread")
        return message
    }

    func testRequestLayoutPerVersion() throws {
        let request = OffsetForLeaderEpochRequest(replicaId: 2, topics: [
            .init(topic: "t", partitions: [.init(partition: 1, currentLeaderEpoch: 5, leaderEpoch: 4)]),
        ])
        let v0: [UInt8] = [0, 0, 0, 1, 0, 1, t, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4]
        let v2: [UInt8] = [0, 0, 0, 1, 0, 1, t, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 4]
        let v3: [UInt8] = [0, 0, 0, 2] + v2
        let v4: [UInt8] = [0, 0, 0, 2, 2, 2, t, 2, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0]
        let expected: [Int16: [UInt8]] = [0: v0, 1: v0, 2: v2, 3: v3, 4: v4]
        for version in Int16(0)...4 {
            XCTAssertEqual(encoded(request, version), expected[version], "v\(version)")
            var back = try decoded(expected[version]!, as: OffsetForLeaderEpochRequest.self, version)
            if version < 3 {
                XCTAssertEqual(back.replicaId, -2, "absent below v3: Kafka's default, the debugging consumer")
                back.replicaId = 2
            }
            if version < 2 {
                XCTAssertEqual(back.topics[0].partitions[0].currentLeaderEpoch, -1, "absent below v2: no fencing")
                back.topics[0].partitions[0].currentLeaderEpoch = 5
            }
            XCTAssertEqual(back, request, "v\(version)")
        }
    }

    func testResponseLayoutPerVersion() throws {
        let response = OffsetForLeaderEpochResponse(throttleTimeMs: 7, topics: [
            .init(topic: "t", partitions: [.init(errorCode: 0, partition: 1, leaderEpoch: 4, endOffset: 10)]),
        ])
        let partitionV0: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 10]
        let partitionV1: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 10]
        let v0: [UInt8] = [0, 0, 0, 1, 0, 1, t, 0, 0, 0, 1] + partitionV0
        let v1: [UInt8] = [0, 0, 0, 1, 0, 1, t, 0, 0, 0, 1] + partitionV1
        let v2: [UInt8] = [0, 0, 0, 7] + v1
        let v4: [UInt8] = [0, 0, 0, 7, 2, 2, t, 2] + partitionV1 + [0, 0, 0]
        let expected: [Int16: [UInt8]] = [0: v0, 1: v1, 2: v2, 3: v2, 4: v4]
        for version in Int16(0)...4 {
            XCTAssertEqual(encoded(response, version), expected[version], "v\(version)")
            var back = try decoded(expected[version]!, as: OffsetForLeaderEpochResponse.self, version)
            if version < 2 {
                XCTAssertEqual(back.throttleTimeMs, 0)
                back.throttleTimeMs = 7
            }
            if version < 1 {
                XCTAssertEqual(back.topics[0].partitions[0].leaderEpoch, -1, "absent in v0")
                back.topics[0].partitions[0].leaderEpoch = 4
            }
            XCTAssertEqual(back, response, "v\(version)")
        }
    }

    func testVersionFiveIsRefused() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0])
        XCTAssertThrowsError(try OffsetForLeaderEpochRequest(from: &buffer, version: 5))
        XCTAssertEqual(OffsetForLeaderEpochRequest.validVersions, 0...4)
        XCTAssertEqual(OffsetForLeaderEpochRequest.firstFlexibleVersion, 4)
    }
}
