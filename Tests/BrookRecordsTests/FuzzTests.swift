import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

/// Random and mutated input must only ever produce errors, never traps or hangs.
final class FuzzTests: XCTestCase {
    private func exercise(_ buffer: ByteBuffer) {
        _ = try? BatchValidation.validate(buffer, maxBatchSize: 1 << 20)
        _ = try? RecordBatch.decode(buffer, maxDecompressedSize: 1 << 16)
        if var reader = try? BatchRecordReader(buffer, maxDecompressedSize: 1 << 16) {
            var read = 0
            while (try? reader.next()) != nil { read += 1 }
            XCTAssertLessThanOrEqual(read, Int(max(0, reader.header.recordCount)))
        }
        _ = RecordBatchHeader.scanValidPrefix(buffer)
        for codec in CompressionCodec.allCases {
            _ = try? Compression.decompress(buffer, codec: codec, maxOutput: 1 << 16)
        }
        var copy = buffer
        _ = RecordBatchHeader.stampLogAppendTime(1, in: &copy, at: copy.readerIndex)
    }

    func testRandomBytes() {
        var rng = SeededRNG(seed: 0xB00C)
        for _ in 0..<2_000 {
            var bytes = randomBytes(Int.random(in: 0...200, using: &rng), using: &rng)
            if bytes.count > 17, Bool.random(using: &rng) { bytes[16] = 2 }  // look like v2 more often
            exercise(ByteBuffer(bytes: bytes))
        }
    }

    func testMutatedValidBatches() throws {
        var rng = SeededRNG(seed: 0x5EED)
        var seeds: [ByteBuffer] = []
        for codec in CompressionCodec.allCases { seeds.append(try sampleBatch(codec: codec, records: 8)) }
        var checkedRecordsDecoded = 0
        for iteration in 0..<3_000 {
            var b = seeds[iteration % seeds.count]
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:  // bit flips
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let at = Int.random(in: 0..<b.readableBytes, using: &rng)
                    b.setInteger(b.getInteger(at: at, as: UInt8.self)! ^ (1 << UInt8.random(in: 0...7, using: &rng)), at: at)
                }
            case 1:  // truncation
                b = b.getSlice(at: 0, length: Int.random(in: 0..<b.readableBytes, using: &rng))!
            case 2:  // byte overwrite with the CRC fixed up, so the inner parsers are reached
                let at = Int.random(in: RecordBatchHeader.attributesPosition..<b.readableBytes, using: &rng)
                b.setInteger(UInt8.random(in: 0...255, using: &rng), at: at)
                RecordBatchHeader.updateCRC(in: &b, at: 0)
            default:  // mutate the compressed section only, CRC fixed
                let at = Int.random(in: RecordBatchHeader.size..<b.readableBytes, using: &rng)
                b.setInteger(b.getInteger(at: at, as: UInt8.self)! &+ UInt8.random(in: 1...255, using: &rng), at: at)
                RecordBatchHeader.updateCRC(in: &b, at: 0)
            }
            exercise(b)
            if (try? RecordBatch.decode(b, maxDecompressedSize: 1 << 16)) != nil { checkedRecordsDecoded += 1 }
        }
        XCTAssertGreaterThan(checkedRecordsDecoded, 0)
    }

    func testMutatedCompressedStreams() throws {
        var rng = SeededRNG(seed: 77)
        let payload = ByteBuffer(string: String(repeating: "brook record payload ", count: 300))
        for codec in [CompressionCodec.gzip, .snappy, .lz4, .zstd] {
            let good = try Compression.compress(payload, codec: codec)
            for _ in 0..<400 {
                var b = good
                let at = Int.random(in: 0..<b.readableBytes, using: &rng)
                b.setInteger(UInt8.random(in: 0...255, using: &rng), at: at)
                if Bool.random(using: &rng) { b = b.getSlice(at: 0, length: Int.random(in: 0...b.readableBytes, using: &rng))! }
                if let out = try? Compression.decompress(b, codec: codec, maxOutput: 10_000) {
                    XCTAssertLessThanOrEqual(out.readableBytes, 10_000)
                }
            }
        }
    }
}
