import BrookProtocol
import NIOCore
import XCTest

/// Varints, strings, bytes, arrays, tagged fields and UUIDs.
final class PrimitiveTests: XCTestCase {
    private func bytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        write(&buffer)
        return Array(buffer.readableBytesView)
    }

    func testUnsignedVarintEdges() throws {
        let cases: [(UInt32, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
            (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]), (UInt32.max, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ]
        for (value, encoded) in cases {
            XCTAssertEqual(bytes { $0.writeUnsignedVarint(value) }, encoded, "\(value)")
            var buffer = ByteBuffer(bytes: encoded)
            XCTAssertEqual(try buffer.readUnsignedVarint(), value)
            XCTAssertEqual(buffer.readableBytes, 0)
        }
    }

    func testZigzagVarintEdges() throws {
        let cases: [(Int32, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-64, [0x7F]), (64, [0x80, 0x01]),
            (Int32.max, [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]), (Int32.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ]
        for (value, encoded) in cases {
            XCTAssertEqual(bytes { $0.writeVarint(value) }, encoded, "\(value)")
            var buffer = ByteBuffer(bytes: encoded)
            XCTAssertEqual(try buffer.readVarint(), value)
        }
        for value: Int64 in [0, -1, 1, Int64.max, Int64.min, 1 << 40, -(1 << 40)] {
            var buffer = ByteBuffer()
            buffer.writeVarlong(value)
            XCTAssertLessThanOrEqual(buffer.readableBytes, 10)
            XCTAssertEqual(try buffer.readVarlong(), value)
            XCTAssertEqual(buffer.readableBytes, 0)
        }
    }

    func testOverlongVarintsThrow() {
        var six = ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        XCTAssertThrowsError(try six.readUnsignedVarint()) { XCTAssertEqual($0 as? ProtocolError, .invalidVarint) }
        var tooBig = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        XCTAssertThrowsError(try tooBig.readUnsignedVarint()) { XCTAssertEqual($0 as? ProtocolError, .invalidVarint) }
        var eleven = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 10) + [0x01])
        XCTAssertThrowsError(try eleven.readVarlong()) { XCTAssertEqual($0 as? ProtocolError, .invalidVarint) }
        var cut = ByteBuffer(bytes: [0x80, 0x80])
        XCTAssertThrowsError(try cut.readUnsignedVarint()) { XCTAssertEqual($0 as? ProtocolError, .truncated) }
    }

    func testStringEncodings() throws {
        XCTAssertEqual(bytes { $0.writeKafkaString("ab", compact: false) }, [0x00, 0x02, 0x61, 0x62])
        XCTAssertEqual(bytes { $0.writeKafkaString("ab", compact: true) }, [0x03, 0x61, 0x62])
        XCTAssertEqual(bytes { $0.writeKafkaNullableString(nil, compact: false) }, [0xFF, 0xFF])
        XCTAssertEqual(bytes { $0.writeKafkaNullableString(nil, compact: true) }, [0x00])
        XCTAssertEqual(bytes { $0.writeKafkaString("", compact: true) }, [0x01])
        var null = ByteBuffer(bytes: [0x00])
        XCTAssertNil(try null.readKafkaNullableString(compact: true))
        var nonNullable = ByteBuffer(bytes: [0xFF, 0xFF])
        XCTAssertThrowsError(try nonNullable.readKafkaString(compact: false))
        var text = ByteBuffer(bytes: [0x03, 0xC3, 0xA9])
        XCTAssertEqual(try text.readKafkaString(compact: true), "é")
    }

    func testInvalidUTF8Throws() {
        var buffer = ByteBuffer(bytes: [0x00, 0x02, 0xC3, 0x28])
        XCTAssertThrowsError(try buffer.readKafkaString(compact: false)) { XCTAssertEqual($0 as? ProtocolError, .invalidString) }
    }

    func testBytesEncodings() throws {
        XCTAssertEqual(bytes { $0.writeKafkaBytes(ByteBuffer(bytes: [9]), compact: false) }, [0, 0, 0, 1, 9])
        XCTAssertEqual(bytes { $0.writeKafkaBytes(ByteBuffer(bytes: [9]), compact: true) }, [2, 9])
        XCTAssertEqual(bytes { $0.writeKafkaNullableBytes(nil, compact: false) }, [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(bytes { $0.writeKafkaNullableBytes(nil, compact: true) }, [0])
        var buffer = ByteBuffer(bytes: [0, 0, 0, 2, 7, 8])
        XCTAssertEqual(try buffer.readKafkaBytes(compact: false), ByteBuffer(bytes: [7, 8]))
    }

    func testArrayEncodings() throws {
        let values: [Int32] = [1, 2]
        XCTAssertEqual(bytes { $0.writeKafkaArray(values, compact: false) { $0.writeKafkaInteger($1) } },
                       [0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2])
        XCTAssertEqual(bytes { $0.writeKafkaArray(values, compact: true) { $0.writeKafkaInteger($1) } },
                       [3, 0, 0, 0, 1, 0, 0, 0, 2])
        XCTAssertEqual(bytes { $0.writeKafkaNullableArray([Int32]?.none, compact: true) { $0.writeKafkaInteger($1) } }, [0])
        XCTAssertEqual(bytes { $0.writeKafkaNullableArray([Int32]?.none, compact: false) { $0.writeKafkaInteger($1) } },
                       [0xFF, 0xFF, 0xFF, 0xFF])
        var null = ByteBuffer(bytes: [0])
        XCTAssertNil(try null.readKafkaNullableArray(compact: true) { try $0.readKafkaInteger(as: Int32.self) })
    }

    func testHugeCountsThrowBeforeAllocating() {
        var array = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        XCTAssertThrowsError(try array.readKafkaArray(compact: false) { try $0.readKafkaInteger(as: Int8.self) })
        var fixed = ByteBuffer(bytes: [0, 0, 0, 2, 0, 0, 0, 1])
        XCTAssertThrowsError(try fixed.readKafkaArray(compact: false, minElementSize: 4) { try $0.readKafkaInteger(as: Int32.self) }) {
            XCTAssertEqual($0 as? ProtocolError, .invalidLength(2))
        }
        var compact = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertThrowsError(try compact.readKafkaBytes(compact: true)) { XCTAssertEqual($0 as? ProtocolError, .truncated) }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        XCTAssertThrowsError(try negative.readKafkaNullableBytes(compact: false)) { XCTAssertEqual($0 as? ProtocolError, .invalidLength(-2)) }
        var string = ByteBuffer(bytes: [0x7F, 0xFF, 0x61])
        XCTAssertThrowsError(try string.readKafkaString(compact: false)) { XCTAssertEqual($0 as? ProtocolError, .truncated) }
    }

    func testTaggedFieldsWriteSortedAndSkipUnknown() throws {
        var writer = KafkaTaggedFieldWriter()
        writer.add(tag: 5) { $0.writeKafkaInteger(Int8(7)) }
        writer.add(tag: 1) { $0.writeKafkaInteger(Int16(2)) }
        var buffer = ByteBuffer()
        writer.write(into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), [2, 1, 2, 0, 2, 5, 1, 7])
        buffer.writeInteger(UInt8(0xAA))
        try buffer.skipKafkaTaggedFields()
        XCTAssertEqual(Array(buffer.readableBytesView), [0xAA])
        var hostile = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertThrowsError(try hostile.skipKafkaTaggedFields())
        var badSize = ByteBuffer(bytes: [1, 0, 0x7F])
        XCTAssertThrowsError(try badSize.skipKafkaTaggedFields()) { XCTAssertEqual($0 as? ProtocolError, .truncated) }
    }

    func testUUIDStringRoundTrip() throws {
        XCTAssertEqual(KafkaUUID.zero.description, "AAAAAAAAAAAAAAAAAAAAAA")
        XCTAssertEqual(KafkaUUID.metadataTopicId.description, "AAAAAAAAAAAAAAAAAAAAAQ")
        let uuid = KafkaUUID(high: 0xFBEF_FF7F_0102_0304, low: 0x0506_0708_090A_0B0C)
        XCTAssertEqual(KafkaUUID(base64: uuid.description), uuid)
        XCTAssertEqual(uuid.description.count, 22)
        for _ in 0..<200 {
            let random = KafkaUUID.random()
            XCTAssertNotEqual(random, .zero)
            XCTAssertFalse(random.description.hasPrefix("-"))
            XCTAssertEqual(KafkaUUID(base64: random.description), random)
        }
        XCTAssertNil(KafkaUUID(base64: "not base64!"))
        XCTAssertNil(KafkaUUID(base64: "AAAA"))
        var buffer = ByteBuffer()
        buffer.writeKafkaUUID(uuid)
        XCTAssertEqual(try buffer.readKafkaUUID(), uuid)
    }

    func testHeaderVersions() {
        XCTAssertEqual(ApiKey.metadata.requestHeaderVersion(apiVersion: 8), 1)
        XCTAssertEqual(ApiKey.metadata.requestHeaderVersion(apiVersion: 9), 2)
        XCTAssertEqual(ApiKey.metadata.responseHeaderVersion(apiVersion: 9), 1)
        XCTAssertEqual(ApiKey.apiVersions.requestHeaderVersion(apiVersion: 3), 2)
        XCTAssertEqual(ApiKey.apiVersions.responseHeaderVersion(apiVersion: 3), 0)
        XCTAssertEqual(ApiKey.leaderAndIsr.requestHeaderVersion(apiVersion: 7), 1)
        XCTAssertEqual(ApiKey.leaderAndIsr.responseHeaderVersion(apiVersion: 7), 0)
    }

    func testEnumsCoverKafka() {
        XCTAssertEqual(ApiKey(rawValue: 80), .addRaftVoter)
        XCTAssertEqual(ErrorCode.invalidRecord.rawValue, 87)
        XCTAssertEqual(ErrorCode.notLeaderOrFollower.rawValue, 6)
        XCTAssertEqual(ErrorCode.unknownServerError.rawValue, -1)
    }
}
