import BrookRecords
import XCTest

final class CRC32Tests: XCTestCase {
    func testKnownVectors() {
        // The standard check value of CRC-32/ISO-HDLC over "123456789".
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testContinuingEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let first = bytes[..<400].withUnsafeBytes { CRC32.checksum($0) }
        let both = bytes[400...].withUnsafeBytes { CRC32.checksum($0, continuing: first) }
        XCTAssertEqual(both, CRC32.checksum(bytes))
    }
}
