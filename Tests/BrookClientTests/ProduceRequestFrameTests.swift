@testable import BrookClient
import BrookProtocol
import NIOCore
import XCTest

/// Wire layouts the client writes itself.
final class ProduceRequestFrameTests: XCTestCase {
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
