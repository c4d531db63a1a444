import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

final class VarintTests: XCTestCase {
    func testKnownEncodings() {
        // Zigzag: 0→0, -1→1, 1→2, -64→127, 64→128 (two bytes).
        let cases: [(Int64, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-64, [0x7F]), (64, [0x80, 0x01]), (300, [0xD8, 0x04]),
        ]
        for (value, expected) in cases {
            var b = ByteBuffer()
            b.writeZigZag(value)
            XCTAssertEqual(b.bytes, expected, "\(value)")
            XCTAssertEqual(Varint.size(value), expected.count)
        }
    }

    func testRoundTripExtremes() {
        var rng = SeededRNG(seed: 1)
        var values: [Int64] = [0, 1, -1, Int64(Int32.max), Int64(Int32.min), .max, .min]
        for _ in 0..<1000 { values.append(Int64.random(in: .min ... .max, using: &rng) >> Int64.random(in: 0...63, using: &rng)) }
        for v in values {
            var b = ByteBuffer()
            b.writeZigZag(v)
            XCTAssertEqual(b.readableBytes, Varint.size(v))
            b.withUnsafeReadableBytes { raw in
                var c = RawCursor(raw)
                XCTAssertEqual(c.readVarlong(), v)
                XCTAssertEqual(c.remaining, 0)
            }
            if let v32 = Int32(exactly: v) {
                b.withUnsafeReadableBytes { raw in
                    var c = RawCursor(raw)
                    XCTAssertEqual(c.readVarint(), v32)
                }
            }
        }
    }

    func testTooLongAndTruncated() {
        [UInt8](repeating: 0x80, count: 6).withUnsafeBytes { raw in
            var c = RawCursor(raw)
            XCTAssertNil(c.readVarint())
        }
        [UInt8]([0x80, 0x80]).withUnsafeBytes { raw in
            var c = RawCursor(raw)
            XCTAssertNil(c.readVarlong())
        }
    }
}
