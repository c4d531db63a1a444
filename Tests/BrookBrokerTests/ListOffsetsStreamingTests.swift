@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// ListOffsets by timestamp reads a stored batch one record at a time and stops at the answer,
/// instead of decoding every record of the batch into an array first.
final class ListOffsetsStreamingTests: XCTestCase {
    func testAnswerIsFoundWithoutReadingTheRecordsAfterIt() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false))
        let partition = try XCTUnwrap(topic.partition(0))
        var builder = RecordBatchBuilder()
        for (i, time) in [Int64(1_000), 2_000, 3_000].enumerated() {
            builder.append(key: ByteBuffer(string: "k\(i)"), value: ByteBuffer(string: "v\(i)"), timestamp: time)
        }
        var bytes = try builder.build()
        // The last record is malformed (its length claims more than is left), CRC fixed up: only a
        // reader that goes past the second record can notice.
        let lastSize = builder.records[2].encodedSize
        bytes.setInteger(UInt8(0x7E), at: bytes.writerIndex - lastSize)
        RecordBatchHeader.updateCRC(in: &bytes, at: 0)
        _ = try await partition.append([bytes], durable: false, logAppendTime: false).get()

        let found = try await partition.offsetForTimestamp(1_500).get()
        XCTAssertEqual(found?.offset, 1)
        XCTAssertEqual(found?.timestamp, 2_000)
        try await broker.stop()
    }
}
