import BrookProtocol
import NIOCore
import XCTest

/// OffsetFetch v10 (topics by id, KIP-848) and DescribeGroups v6 (error message, KIP-1043): byte
/// layouts built by hand from Kafka's message definitions, round trips of every version, and
/// truncated input.
final class GroupApiTopicIdVersionsTests: XCTestCase {
    private let topicId = KafkaUUID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
    private var idBytes: [UInt8] { Array(1...16) }

    func testOffsetFetchV10RequestNamesTopicsById() throws {
        let request = OffsetFetchRequest(groups: [.init(groupId: "g", topics: [.init(name: "ignored", topicId: topicId,
                                                                                       partitionIndexes: [0])])])
        var out = ByteBuffer()
        request.encode(into: &out, version: 10)
        let expected: [UInt8] = [2, 2, 0x67, 0, 0xFF, 0xFF, 0xFF, 0xFF, 2] + idBytes + [2, 0, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(Array(out.readableBytesView), expected)
        var decoded = try OffsetFetchRequest(from: &out, version: 10)
        XCTAssertEqual(decoded.groups.first?.topics?.first?.topicId, topicId)
        XCTAssertEqual(decoded.groups.first?.topics?.first?.name, "", "v10 carries no names")
        decoded.groups[0].topics?[0].name = "ignored"
        XCTAssertEqual(decoded, request)

        // v9 still names the topic and has no id.
        var v9 = ByteBuffer()
        request.encode(into: &v9, version: 9)
        XCTAssertEqual(Array(v9.readableBytesView.prefix(17)), [2, 2, 0x67, 0, 0xFF, 0xFF, 0xFF, 0xFF, 2, 8] + Array("ignored".utf8))
        XCTAssertEqual(try OffsetFetchRequest(from: &v9, version: 9).groups.first?.topics?.first?.topicId, .zero)
    }

    func testOffsetFetchV10Response() throws {
        let response = OffsetFetchResponse(throttleTimeMs: 0, groups: [.init(groupId: "g", topics: [
            .init(topicId: topicId, partitions: [.init(partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1,
                                                        metadata: "", errorCode: ErrorCode.unknownTopicId.rawValue)]),
        ], errorCode: 0)])
        var out = ByteBuffer()
        response.encode(into: &out, version: 10)
        var expected: [UInt8] = [0, 0, 0, 0, 2, 2, 0x67, 2] + idBytes
        expected += [2, 0, 0, 0, 1] + Array(repeating: 0xFF, count: 12) + [1, 0, 100, 0]  // partition, tags
        expected += [0, 0, 0, 0, 0]  // topic tags, group error, group tags, response tags
        XCTAssertEqual(Array(out.readableBytesView), expected)
        XCTAssertEqual(try OffsetFetchResponse(from: &out, version: 10), response)
    }

    func testDescribeGroupsV6CarriesAnErrorMessage() throws {
        let response = DescribeGroupsResponse(throttleTimeMs: 0, groups: [
            .init(errorCode: ErrorCode.groupIdNotFound.rawValue, errorMessage: "x", groupId: "g", groupState: "Dead",
                  protocolType: "", protocolData: "", members: [], authorizedOperations: Int32.min),
        ])
        var out = ByteBuffer()
        response.encode(into: &out, version: 6)
        let expected: [UInt8] = [0, 0, 0, 0, 2, 0, 69, 2, 0x78, 2, 0x67, 5] + Array("Dead".utf8)
            + [1, 1, 1, 0x80, 0, 0, 0, 0, 0]
        XCTAssertEqual(Array(out.readableBytesView), expected)
        XCTAssertEqual(try DescribeGroupsResponse(from: &out, version: 6), response)
        // v5 has no message.
        var v5 = ByteBuffer()
        response.encode(into: &v5, version: 5)
        XCTAssertEqual(v5.readableBytes, expected.count - 2)
        XCTAssertNil(try DescribeGroupsResponse(from: &v5, version: 5).groups.first?.errorMessage)
    }

    func testEveryVersionRoundTripsAndTruncationIsAnError() throws {
        let fetch = OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [0, 1])],
                                       groups: [.init(groupId: "g", memberId: "m", memberEpoch: 3,
                                                      topics: [.init(name: "t", topicId: topicId, partitionIndexes: [2])])],
                                       requireStable: true)
        for version in OffsetFetchRequest.validVersions {
            var out = ByteBuffer()
            fetch.encode(into: &out, version: version)
            let bytes = out
            let decoded = try OffsetFetchRequest(from: &out, version: version)
            var again = ByteBuffer()
            decoded.encode(into: &again, version: version)
            XCTAssertEqual(again, bytes, "v\(version)")
            for length in 0..<bytes.readableBytes {
                var cut = bytes.getSlice(at: 0, length: length)!
                XCTAssertThrowsError(try OffsetFetchRequest(from: &cut, version: version), "v\(version) cut at \(length)")
            }
        }
        let describe = DescribeGroupsResponse(throttleTimeMs: 5, groups: [
            .init(errorCode: 0, errorMessage: nil, groupId: "g", groupState: "Stable", protocolType: "consumer",
                  protocolData: "range", members: [.init(memberId: "m", groupInstanceId: "i", clientId: "c", clientHost: "/h",
                                                        memberMetadata: ByteBuffer(bytes: [1]),
                                                        memberAssignment: ByteBuffer(bytes: [2]))],
                  authorizedOperations: 8),
        ])
        for version in DescribeGroupsResponse.validVersions {
            var out = ByteBuffer()
            describe.encode(into: &out, version: version)
            let bytes = out
            let decoded = try DescribeGroupsResponse(from: &out, version: version)
            var again = ByteBuffer()
            decoded.encode(into: &again, version: version)
            XCTAssertEqual(again, bytes, "v\(version)")
            for length in 0..<bytes.readableBytes {
                var cut = bytes.getSlice(at: 0, length: length)!
                XCTAssertThrowsError(try DescribeGroupsResponse(from: &cut, version: version), "v\(version) cut at \(length)")
            }
        }
    }
}
