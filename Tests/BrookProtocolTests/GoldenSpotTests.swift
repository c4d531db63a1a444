import BrookProtocol
import NIOCore
import XCTest

/// Spot checks on decoded golden values.
final class GoldenSpotTests: XCTestCase {
    func testKcatMetadataV4Request() throws {
        let frame = try GoldenFrames.find("kcat", "c002-0002-Metadata-v4-req.bin")
        let (header, message, _) = try GoldenCodec.decode(frame)
        let requestHeader = try XCTUnwrap(header as? RequestHeader)
        XCTAssertEqual(requestHeader, RequestHeader(apiKey: 3, apiVersion: 4, correlationId: 2, clientId: "rdkafka"))
        let request = try XCTUnwrap(message as? MetadataRequest)
        XCTAssertEqual(request.topics, [MetadataRequest.MetadataRequestTopic(name: "golden-kcat")])
        XCTAssertTrue(request.allowAutoTopicCreation)
    }

    func testKcatApiVersionsV3Request() throws {
        let frame = try GoldenFrames.find("kcat", "c001-0001-ApiVersions-v3-req.bin")
        let (_, message, _) = try GoldenCodec.decode(frame)
        let request = try XCTUnwrap(message as? ApiVersionsRequest)
        XCTAssertEqual(request.clientSoftwareName, "librdkafka")
        XCTAssertEqual(request.clientSoftwareVersion, "2.0.2")
    }

    func testKcatApiVersionsV3Response() throws {
        let frame = try GoldenFrames.find("kcat", "c001-0001-ApiVersions-v3-resp.bin")
        let (_, message, _) = try GoldenCodec.decode(frame)
        let response = try XCTUnwrap(message as? ApiVersionsResponse)
        XCTAssertEqual(response.errorCode, ErrorCode.none.rawValue)
        let produce = try XCTUnwrap(response.apiKeys.first { $0.apiKey == ApiKey.produce.rawValue })
        XCTAssertEqual(produce.minVersion, 0)
        XCTAssertEqual(produce.maxVersion, 9)
    }

    func testApiVersionsV4RequestGetsV0Answer() throws {
        let frames = try GoldenFrames.load().filter { $0.api == .apiVersions && $0.version == 4 && !$0.isRequest }
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            let (_, message, _) = try GoldenCodec.decode(frame)
            let response = try XCTUnwrap(message as? ApiVersionsResponse)
            XCTAssertEqual(response.errorCode, ErrorCode.unsupportedVersion.rawValue, frame.fileName)
        }
    }

    func testProduceRequestCarriesRecords() throws {
        let frame = try XCTUnwrap(GoldenFrames.load().first { $0.api == .produce && $0.isRequest })
        let (_, message, _) = try GoldenCodec.decode(frame)
        let request = try XCTUnwrap(message as? ProduceRequest)
        let records = try XCTUnwrap(request.topicData.first?.partitionData.first?.records)
        XCTAssertGreaterThan(records.readableBytes, 61, "a v2 record batch has a 61-byte header")
    }
}
