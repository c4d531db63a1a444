import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

extension ByteBuffer {
    init(bytes: [UInt8]) {
        self.init()
        writeBytes(bytes)
    }

    var bytes: [UInt8] { getBytes(at: readerIndex, length: readableBytes) ?? [] }
}

func randomBytes(_ count: Int, using rng: inout SeededRNG) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

/// A batch with a few varied records, for tests that need valid bytes.
func sampleBatch(
    codec: CompressionCodec = .none, records: Int = 5, baseOffset: Int64 = 0
) throws -> ByteBuffer {
    var builder = RecordBatchBuilder(codec: codec, baseOffset: baseOffset, producerId: 7, producerEpoch: 1, baseSequence: 0)
    for i in 0..<records {
        builder.append(
            key: i % 2 == 0 ? ByteBuffer(string: "key-\(i)") : nil,
            value: i % 3 == 2 ? nil : ByteBuffer(string: String(repeating: "value \(i) ", count: 1 + i)),
            headers: i % 2 == 1 ? [RecordHeader(key: "h\(i)", value: ByteBuffer(string: "v")), RecordHeader(key: "n", value: nil)] : [],
            timestamp: 1_700_000_000_000 + Int64(i * 3))
    }
    return try builder.build()
}
