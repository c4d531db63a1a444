import BrookProtocol
import NIOCore
import XCTest

/// KafkaFrame and header encode/decode.
final class FramingTests: XCTestCase {
    func testByteAtATimeYieldsSameFrames() throws {
        let frames = try GoldenFrames.load().filter { $0.client == "kcat" }
        var stream = ByteBuffer()
        for frame in frames { stream.writeImmutableBuffer(frame.frame) }
        var pending = ByteBuffer()
        var bodies: [ByteBuffer] = []
        while let byte = stream.readSlice(length: 1) {
            pending.writeImmutableBuffer(byte)
            while let body = try KafkaFrame.read(from: &pending, maxSize: 100 << 20) {
                bodies.append(body)
            }
        }
        XCTAssertEqual(bodies.count, frames.count)
        XCTAssertEqual(bodies, frames.map(\.body))
        XCTAssertEqual(pending.readableBytes, 0)
    }

    func testSizeChecksBeforeBody() {
        var large = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try KafkaFrame.read(from: &large, maxSize: 1024)) {
            XCTAssertEqual($0 as? ProtocolError, .frameTooLarge(Int(Int32.max)))
        }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try KafkaFrame.read(from: &negative, maxSize: 1024)) {
            XCTAssertEqual($0 as? ProtocolError, .negativeFrameSize(-1))
        }
        var short = ByteBuffer(bytes: [0, 0, 0])
        XCTAssertNil(try KafkaFrame.read(from: &short, maxSize: 1024))
        XCTAssertEqual(short.readableBytes, 3)
    }

    func testWritePatchesSize() throws {
        var buffer = ByteBuffer()
        KafkaFrame.write(into: &buffer) { body in
            ResponseHeader(correlationId: 7).encode(into: &body, headerVersion: 1)
        }
        XCTAssertEqual(Array(buffer.readableBytesView), [0, 0, 0, 5, 0, 0, 0, 7, 0])
        let body = try XCTUnwrap(KafkaFrame.read(from: &buffer, maxSize: 100))
        XCTAssertEqual(body.readableBytes, 5)
    }

    func testRequestHeaderVersionsAndPeek() throws {
        let header = RequestHeader(apiKey: 3, apiVersion: 12, correlationId: 42, clientId: "c")
        for version in 0...2 {
            var buffer = ByteBuffer()
            header.encode(into: &buffer, headerVersion: version)
            let peeked = try XCTUnwrap(RequestHeader.peek(buffer))
            XCTAssertEqual(peeked.apiKey, 3)
            XCTAssertEqual(peeked.apiVersion, 12)
            XCTAssertEqual(peeked.correlationId, 42)
            let decoded = try RequestHeader(from: &buffer, headerVersion: version)
            XCTAssertEqual(decoded.clientId, version == 0 ? nil : "c")
            XCTAssertEqual(buffer.readableBytes, 0)
        }
        var v2 = ByteBuffer()
        RequestHeader(apiKey: 3, apiVersion: 12, correlationId: 1, clientId: nil).encode(into: &v2, headerVersion: 2)
        XCTAssertEqual(Array(v2.readableBytesView), [0, 3, 0, 12, 0, 0, 0, 1, 0xFF, 0xFF, 0])
        XCTAssertNil(RequestHeader.peek(ByteBuffer(bytes: [0, 3, 0, 12, 0, 0, 0])))
    }
}
