import BrookProtocol
import NIOCore
import XCTest

/// Every golden frame of a generated API decodes completely and re-encodes to the same bytes.
final class GoldenRoundTripTests: XCTestCase {
    static let requiredApis: Set<ApiKey> = [.apiVersions, .metadata, .produce, .fetch, .listOffsets, .createTopics]

    func testEveryGoldenFrameRoundTrips() throws {
        let frames = try GoldenFrames.loadGenerated()
        var covered: Set<ApiKey> = []
        for frame in frames {
            do {
                let (header, message, rest) = try GoldenCodec.decode(frame)
                XCTAssertEqual(rest.readableBytes, 0, "\(frame.fileName): \(rest.readableBytes) bytes left after decode")
                let encoded = GoldenCodec.encode(frame, header: header, message: message)
                XCTAssertEqual(Array(encoded.readableBytesView), Array(frame.body.readableBytesView), "\(frame.fileName): re-encode differs")
                covered.insert(frame.api)
            } catch {
                XCTFail("\(frame.fileName): \(error)")
            }
        }
        XCTAssertTrue(Self.requiredApis.isSubset(of: covered), "missing goldens for \(Self.requiredApis.subtracting(covered))")
    }

    func testFrameSizePrefixMatchesBody() throws {
        for frame in try GoldenFrames.loadGenerated() {
            var copy = frame.frame
            let body = try KafkaFrame.read(from: &copy, maxSize: 100 << 20)
            XCTAssertEqual(body, frame.body, frame.fileName)
            XCTAssertEqual(copy.readableBytes, 0, frame.fileName)
        }
    }
}
