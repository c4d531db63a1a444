import BrookProtocol
import NIOCore
import XCTest
import BrookTestSupport

/// Truncated, random and oversized input must throw, never trap or allocate on a declared size.
final class HostileInputTests: XCTestCase {
    /// Golden bodies (after the header) of generated APIs, one per (api, direction, version).
    private func goldenBodies() throws -> [(frame: GoldenFrame, body: ByteBuffer)] {
        var seen: Set<String> = []
        var result: [(GoldenFrame, ByteBuffer)] = []
        for frame in try GoldenFrames.loadGenerated() {
            let key = "\(frame.api)-\(frame.version)-\(frame.isRequest)"
            guard seen.insert(key).inserted else { continue }
            var body = frame.body
            body.moveReaderIndex(forwardBy: try GoldenCodec.headerLength(frame))
            result.append((frame, body))
        }
        return result
    }

    func testEveryTruncationThrows() throws {
        for (frame, body) in try goldenBodies() {
            let type = GoldenCodec.messageType(frame)
            let version = frame.isRequest ? frame.version : frame.responseBodyVersion
            let limit = min(body.readableBytes, 4096)
            for length in 0..<limit {
                var cut = body.getSlice(at: body.readerIndex, length: length)!
                do {
                    _ = try type.init(from: &cut, version: version)
                    // A prefix can only decode if every missing field is optional trailing data; then bytes must be left over.
                    XCTFail("\(frame.fileName): truncation at \(length) of \(body.readableBytes) decoded")
                } catch {
                    XCTAssertTrue(error is ProtocolError, "\(frame.fileName): \(error)")
                }
            }
        }
    }

    func testRandomBytesNeverCrash() throws {
        var generator = SeededRNG(seed: 0x5EED)
        let deadline = Date().addingTimeInterval(12)
        for (key, types) in GeneratedApis.messageTypes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for type in [types.request, types.response] {
                for version in type.validVersions {
                    for _ in 0..<150 {
                        let count = Int.random(in: 0..<64, using: &generator)
                        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                        var buffer = ByteBuffer(bytes: bytes)
                        _ = try? type.init(from: &buffer, version: version)
                    }
                }
                XCTAssertLessThan(Date(), deadline, "random-bytes test too slow at \(key)")
            }
        }
    }

    func testMutatedGoldenBodiesNeverCrash() throws {
        var generator = SeededRNG(seed: 42)
        for (frame, body) in try goldenBodies() {
            let type = GoldenCodec.messageType(frame)
            let version = frame.isRequest ? frame.version : frame.responseBodyVersion
            let original = Array(body.readableBytesView)
            guard !original.isEmpty else { continue }
            for _ in 0..<200 {
                var mutated = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                var buffer = ByteBuffer(bytes: mutated)
                _ = try? type.init(from: &buffer, version: version)
            }
        }
    }

    func testHugeDeclaredCountsThrowWithoutAllocating() {
        // Metadata v1 response: brokers array count 2^31-1 with four bytes behind it.
        var brokers = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        XCTAssertThrowsError(try MetadataResponse(from: &brokers, version: 1)) {
            XCTAssertEqual($0 as? ProtocolError, .truncated)
        }
        // Fetch v12 request (flexible): compact topics count near UInt32.max.
        var fetch = ByteBuffer(bytes: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertThrowsError(try FetchRequest(from: &fetch, version: 12))
        // Produce v3 request: records length 1 GiB.
        var produce = ByteBuffer()
        produce.writeKafkaNullableString(nil, compact: false)
        produce.writeKafkaInteger(Int16(1))
        produce.writeKafkaInteger(Int32(1000))
        produce.writeKafkaInteger(Int32(1))
        produce.writeKafkaString("t", compact: false)
        produce.writeKafkaInteger(Int32(1))
        produce.writeKafkaInteger(Int32(0))
        produce.writeKafkaInteger(Int32(1 << 30))
        XCTAssertThrowsError(try ProduceRequest(from: &produce, version: 3)) {
            XCTAssertEqual($0 as? ProtocolError, .truncated)
        }
        // ListOffsets v0 response: old-style offsets ([]int64) count larger than remaining / 8.
        var offsets = ByteBuffer()
        offsets.writeKafkaInteger(Int32(1))
        offsets.writeKafkaString("t", compact: false)
        offsets.writeKafkaInteger(Int32(1))
        offsets.writeKafkaInteger(Int32(0))
        offsets.writeKafkaInteger(Int16(0))
        offsets.writeKafkaInteger(Int32(3))
        offsets.writeBytes([UInt8](repeating: 0, count: 16))
        XCTAssertThrowsError(try ListOffsetsResponse(from: &offsets, version: 0)) {
            XCTAssertEqual($0 as? ProtocolError, .invalidLength(3))
        }
    }

    func testUnsupportedVersionThrows() {
        var empty = ByteBuffer()
        XCTAssertThrowsError(try MetadataRequest(from: &empty, version: 99)) {
            XCTAssertEqual($0 as? ProtocolError, .unsupportedVersion(apiKey: 3, version: 99))
        }
        XCTAssertThrowsError(try ApiVersionsRequest(from: &empty, version: -1))
    }
}
