import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

final class CompressionTests: XCTestCase {
    let codecs: [CompressionCodec] = [.gzip, .snappy, .lz4, .zstd]

    func testRoundTrips() throws {
        var rng = SeededRNG(seed: 9)
        let inputs: [[UInt8]] = [
            [], [1], Array("hello hello hello hello".utf8), randomBytes(10_000, using: &rng),
            [UInt8](repeating: 7, count: 300_000),
        ]
        for codec in codecs {
            for input in inputs {
                let compressed = try Compression.compress(ByteBuffer(bytes: input), codec: codec)
                let back = try Compression.decompress(compressed, codec: codec, maxOutput: 1 << 20)
                XCTAssertEqual(back.bytes, input, "\(codec) \(input.count)")
                // Exactly at the cap is fine.
                if !input.isEmpty {
                    XCTAssertEqual(try Compression.decompress(compressed, codec: codec, maxOutput: input.count).readableBytes, input.count)
                    XCTAssertThrowsError(try Compression.decompress(compressed, codec: codec, maxOutput: input.count - 1)) {
                        XCTAssertEqual($0 as? CompressionError, .outputTooLarge(limit: input.count - 1), "\(codec)")
                    }
                }
            }
        }
    }

    func testLevelsAndNone() throws {
        let data = ByteBuffer(string: String(repeating: "abc", count: 1000))
        XCTAssertEqual(try Compression.compress(data, codec: .none), data)
        XCTAssertThrowsError(try Compression.decompress(data, codec: .none, maxOutput: 10))
        for (codec, level) in [(CompressionCodec.gzip, Int32(9)), (.zstd, 19), (.lz4, 9)] {
            let c = try Compression.compress(data, codec: codec, level: level)
            XCTAssertEqual(try Compression.decompress(c, codec: codec, maxOutput: 3000), data)
        }
    }

    func testXerialSnappyFraming() throws {
        // What snappy-java's SnappyOutputStream writes: magic, version 1, compatible version 1,
        // then [int32 length, raw snappy block] chunks.
        let chunks = [String(repeating: "first chunk ", count: 100), "second", String(repeating: "z", count: 5000)]
        var framed = ByteBuffer(bytes: Snappy.xerialMagic)
        framed.writeInteger(Int32(1))
        framed.writeInteger(Int32(1))
        for chunk in chunks {
            let block = try Compression.compress(ByteBuffer(string: chunk), codec: .snappy)
            framed.writeInteger(Int32(block.readableBytes))
            framed.writeImmutableBuffer(block)
        }
        let out = try Compression.decompress(framed, codec: .snappy, maxOutput: 1 << 20)
        XCTAssertEqual(String(buffer: out), chunks.joined())
        XCTAssertThrowsError(try Compression.decompress(framed, codec: .snappy, maxOutput: 6000)) {
            XCTAssertEqual($0 as? CompressionError, .outputTooLarge(limit: 6000))
        }
        var truncated = framed
        truncated.moveWriterIndex(to: framed.writerIndex - 3)
        XCTAssertThrowsError(try Compression.decompress(truncated, codec: .snappy, maxOutput: 1 << 20))
        // Header only: empty stream.
        XCTAssertEqual(try Compression.decompress(framed.getSlice(at: 0, length: 16)!, codec: .snappy, maxOutput: 10).readableBytes, 0)
    }

    func testConcatenatedGzipMembersAndZstdFrames() throws {
        for codec in [CompressionCodec.gzip, .zstd, .lz4] {
            var both = try Compression.compress(ByteBuffer(string: "one,"), codec: codec)
            var second = try Compression.compress(ByteBuffer(string: "two"), codec: codec)
            both.writeBuffer(&second)
            XCTAssertEqual(String(buffer: try Compression.decompress(both, codec: codec, maxOutput: 100)), "one,two", "\(codec)")
        }
    }

    func testBombsAreCappedCleanly() throws {
        let zeros = ByteBuffer(repeating: 0, count: 50 << 20)
        for codec in codecs {
            let bomb = try Compression.compress(zeros, codec: codec)
            XCTAssertLessThan(bomb.readableBytes, 3 << 20)
            XCTAssertThrowsError(try Compression.decompress(bomb, codec: codec, maxOutput: 1 << 20)) {
                XCTAssertEqual($0 as? CompressionError, .outputTooLarge(limit: 1 << 20), "\(codec)")
            }
        }
    }

    func testCorruptAndTruncatedInputThrows() throws {
        let data = ByteBuffer(string: String(repeating: "some text to compress ", count: 200))
        for codec in codecs {
            let good = try Compression.compress(data, codec: codec)
            for cut in [1, good.readableBytes / 2, good.readableBytes - 1] {
                let part = good.getSlice(at: 0, length: cut)!
                XCTAssertThrowsError(try Compression.decompress(part, codec: codec, maxOutput: 1 << 20), "\(codec) cut \(cut)")
            }
            XCTAssertThrowsError(try Compression.decompress(ByteBuffer(), codec: codec, maxOutput: 100)) {
                XCTAssertEqual($0 as? CompressionError, .truncated)
            }
            XCTAssertThrowsError(try Compression.decompress(ByteBuffer(string: "definitely not compressed data"), codec: codec, maxOutput: 1 << 20), "\(codec)")
        }
    }
}
