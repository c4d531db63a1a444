@testable import BrookClient
import BrookProtocol
import NIOCore
import XCTest

/// The hand-written codec for IncrementalAlterConfigs, which BrookProtocol does not generate yet.
final class WireCodecTests: XCTestCase {
    func testIncrementalAlterConfigsRequestBytes() {
        let request = IncrementalAlterConfigsRequest(resources: [
            .init(resourceType: 2, resourceName: "t", configs: [.init(name: "k", configOperation: 0, value: "v")])
        ])
        var classic = ByteBuffer()
        request.encode(into: &classic, version: 0)
        XCTAssertEqual(Array(classic.readableBytesView), [
            0, 0, 0, 1,  // resources
            2, 0, 1, 0x74,  // type, name
            0, 0, 0, 1,  // configs
            0, 1, 0x6B, 0, 0, 1, 0x76,  // name, op, value
            0,  // validateOnly
        ])
        var flexible = ByteBuffer()
        request.encode(into: &flexible, version: 1)
        XCTAssertEqual(Array(flexible.readableBytesView), [2, 2, 2, 0x74, 2, 2, 0x6B, 0, 2, 0x76, 0, 0, 0, 0])
        for version in IncrementalAlterConfigsRequest.validVersions {
            var buffer = ByteBuffer()
            request.encode(into: &buffer, version: version)
            XCTAssertEqual(try IncrementalAlterConfigsRequest(from: &buffer, version: version), request)
        }
    }

    func testIncrementalAlterConfigsResponseRoundTrips() throws {
        let response = IncrementalAlterConfigsResponse(responses: [
            .init(errorCode: 40, errorMessage: "bad", resourceType: 2, resourceName: "t"),
            .init(errorCode: 0, errorMessage: nil, resourceType: 2, resourceName: "u"),
        ])
        for version in IncrementalAlterConfigsResponse.validVersions {
            var buffer = ByteBuffer()
            response.encode(into: &buffer, version: version)
            XCTAssertEqual(try IncrementalAlterConfigsResponse(from: &buffer, version: version), response)
        }
    }

    func testProduceFramePartsEqualTheOneBufferEncoding() {
        let request = ProduceRequest(transactionalId: nil, acks: -1, timeoutMs: 1_500, topicData: [
            .init(name: "a", partitionData: [
                .init(index: 0, records: ByteBuffer(repeating: 1, count: 300)),
                .init(index: 3, records: nil),
            ]),
            .init(name: "topic-b", partitionData: [.init(index: 1, records: ByteBuffer(bytes: [9, 8, 7]))]),
        ])
        for version in Int16(3)...11 {
            let parts = ProduceRequestFrame.parts(request, version: version, clientId: "cid", allocator: ByteBufferAllocator())
            var joined = ByteBuffer()
            for var part in parts { joined.writeBuffer(&part) }
            let single = BrokerConnection.encodeFrame(request, version: version, clientId: "cid", allocator: ByteBufferAllocator())
            XCTAssertEqual(joined, single, "v\(version)")
            XCTAssertEqual(parts.count, 5, "header part, batch, middle part, batch, tail")
        }
    }
}
