import NIOCore
import XCTest

@testable import BrookRecords

/// Deterministic RNG (SplitMix64) so fuzz failures reproduce.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
