import BrookProtocol
import NIOCore
import XCTest

/// ApiVersions v3 responses carry Kafka's tagged-field layout: SupportedFeatures (0), FinalizedFeaturesEpoch (1),
/// FinalizedFeatures (2), and nothing else by default.
final class ApiVersionsShapeTests: XCTestCase {
    func testV3ResponseTaggedFieldShape() throws {
        var response = ApiVersionsResponse()
        response.apiKeys = [.init(apiKey: 18, minVersion: 0, maxVersion: 3)]
        response.supportedFeatures = [.init(name: "metadata.version", minVersion: 1, maxVersion: 7)]
        response.finalizedFeaturesEpoch = 5
        response.finalizedFeatures = [.init(name: "metadata.version", maxVersionLevel: 7, minVersionLevel: 7)]
        var buffer = ByteBuffer()
        response.encode(into: &buffer, version: 3)
        let decoded = try ApiVersionsResponse(from: &buffer, version: 3)
        XCTAssertEqual(decoded, response)

        var encoded = ByteBuffer()
        response.encode(into: &encoded, version: 3)
        // error code, compact array of one (key, min, max, no tags), throttle time
        _ = encoded.readSlice(length: 2 + 1 + 7 + 4)
        XCTAssertEqual(try encoded.readUnsignedVarint(), 3, "three tagged fields")
        var tags: [UInt32] = []
        for _ in 0..<3 {
            let field = try encoded.readKafkaTaggedField()
            tags.append(field.tag)
        }
        XCTAssertEqual(tags, [0, 1, 2])
        XCTAssertEqual(encoded.readableBytes, 0)
    }

    func testGoldenV3ResponsesHaveKafkaShape() throws {
        let frames = try GoldenFrames.load().filter { $0.api == .apiVersions && $0.version == 3 && !$0.isRequest }
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            let (_, message, _) = try GoldenCodec.decode(frame)
            let response = try XCTUnwrap(message as? ApiVersionsResponse)
            var encoded = ByteBuffer()
            ResponseHeader(correlationId: 0).encode(into: &encoded, headerVersion: 0)
            response.encode(into: &encoded, version: 3)
            XCTAssertEqual(Array(encoded.readableBytesView.dropFirst(4)), Array(frame.body.readableBytesView.dropFirst(4)), frame.fileName)
        }
    }

    func testDefaultV3ResponseHasNoTaggedFields() {
        var buffer = ByteBuffer()
        ApiVersionsResponse().encode(into: &buffer, version: 3)
        XCTAssertEqual(Array(buffer.readableBytesView), [0, 0, 1, 0, 0, 0, 0, 0])
    }
}
