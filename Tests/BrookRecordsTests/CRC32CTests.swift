import NIOCore
import XCTest

@testable import BrookRecords
import BrookTestSupport

final class CRC32CTests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum([]), 0)
        Array("123456789".utf8).withUnsafeBytes {
            XCTAssertEqual(CRC32C.softwareChecksum($0), 0xE306_9283)
        }
    }

    func testContinuation() {
        let data = Array("hello, record batch".utf8)
        let whole = CRC32C.checksum(data)
        let part = data.withUnsafeBytes { all in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[7...]), continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[..<7])))
        }
        XCTAssertEqual(part, whole)
    }

    func testHardwareAgreesWithSoftware() {
        var rng = SeededRNG(seed: 42)
        for _ in 0..<500 {
            let count = Int.random(in: 0...300, using: &rng)
            let data = randomBytes(count, using: &rng)
            let offset = count > 0 ? Int.random(in: 0..<count, using: &rng) : 0
            data.withUnsafeBytes { all in
                let slice = UnsafeRawBufferPointer(rebasing: all[offset...])  // unaligned starts too
                XCTAssertEqual(CRC32C.checksum(slice), CRC32C.softwareChecksum(slice))
                XCTAssertEqual(CRC32C.checksum(slice, continuing: 0xDEAD_BEEF), CRC32C.softwareChecksum(slice, continuing: 0xDEAD_BEEF))
            }
        }
    }

    func testByteBufferChecksumUsesReadableBytes() {
        var buffer = ByteBuffer(bytes: [9, 9] + Array("123456789".utf8))
        buffer.moveReaderIndex(forwardBy: 2)
        XCTAssertEqual(CRC32C.checksum(buffer), 0xE306_9283)
    }
}
