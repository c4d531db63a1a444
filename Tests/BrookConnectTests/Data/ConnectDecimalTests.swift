@testable import BrookConnect
import XCTest

final class ConnectDecimalTests: XCTestCase {
    func testUnscaledBytesMatchJavaBigIntegerToByteArray() throws {
        // Facts from java.math.BigInteger.toByteArray().
        let cases: [(String, [UInt8])] = [
            ("0", [0x00]), ("1", [0x01]), ("127", [0x7F]), ("128", [0x00, 0x80]), ("255", [0x00, 0xFF]),
            ("256", [0x01, 0x00]), ("-1", [0xFF]), ("-128", [0x80]), ("-129", [0xFF, 0x7F]), ("-256", [0xFF, 0x00]),
            ("156", [0x00, 0x9C]), ("18446744073709551616", [0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
        ]
        for (text, bytes) in cases {
            let decimal = try XCTUnwrap(ConnectDecimal(unscaled: text, scale: 0))
            XCTAssertEqual(decimal.unscaledTwosComplement, bytes, text)
            XCTAssertEqual(try ConnectDecimal(unscaledTwosComplement: bytes, scale: 0), decimal, text)
        }
    }

    func testToStringFollowsBigDecimal() throws {
        let cases: [(String, Int32, String)] = [
            ("1234", 2, "12.34"), ("-5", 3, "-0.005"), ("1", 0, "1"), ("1", -3, "1E+3"), ("123", -2, "1.23E+4"),
            ("1", 7, "1E-7"), ("1", 6, "0.000001"), ("0", 2, "0.00"),
        ]
        for (unscaled, scale, text) in cases {
            XCTAssertEqual(ConnectDecimal(unscaled: unscaled, scale: scale)?.description, text)
        }
        XCTAssertEqual(ConnectDecimal(literal: "12.50"), ConnectDecimal(unscaled: "1250", scale: 2))
        XCTAssertEqual(ConnectDecimal(literal: "1.5E3"), ConnectDecimal(unscaled: "15", scale: -2))
        XCTAssertEqual(ConnectDecimal(literal: "1.5E3")?.plainString, "1500")
        XCTAssertNil(ConnectDecimal(literal: "abc"))
        XCTAssertNotEqual(ConnectDecimal(literal: "2.0"), ConnectDecimal(literal: "2.00"))
    }

    func testRandomUnscaledValuesRoundTripThroughBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let count = Int.random(in: 1...40, using: &generator)
            var digits = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<count { digits += String(Int.random(in: 0...9, using: &generator)) }
            if Bool.random(using: &generator) { digits = "-" + digits }
            let decimal = try XCTUnwrap(ConnectDecimal(unscaled: digits, scale: 3))
            XCTAssertEqual(try ConnectDecimal(unscaledTwosComplement: decimal.unscaledTwosComplement, scale: 3), decimal)
        }
    }

    func testJavaNumberTexts() {
        XCTAssertEqual(JavaText.double(1.0), "1.0")
        XCTAssertEqual(JavaText.double(12.34), "12.34")
        XCTAssertEqual(JavaText.double(1e7), "1.0E7")
        XCTAssertEqual(JavaText.double(123456789.0), "1.23456789E8")
        XCTAssertEqual(JavaText.double(0.001), "0.001")
        XCTAssertEqual(JavaText.double(0.0001), "1.0E-4")
        XCTAssertEqual(JavaText.double(-0.0), "-0.0")
        XCTAssertEqual(JavaText.double(.nan), "NaN")
        XCTAssertEqual(JavaText.float(1.1), "1.1")
        XCTAssertEqual(JavaText.float(1e10), "1.0E10")
        XCTAssertEqual(JavaText.string(of: .timestamp(0)), "Thu Jan 01 00:00:00 UTC 1970")
        XCTAssertEqual(CivilTime(millisSinceEpoch: 1_700_000_000_123).year, 2023)
        XCTAssertEqual(CivilTime.daysSinceEpoch(year: 2000, month: 3, day: 1), 11017)
        XCTAssertEqual(CivilTime(millisSinceEpoch: -1).hour, 23)
    }

    func testBase64MatchesRFC4648() {
        XCTAssertEqual(ConnectBase64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(ConnectBase64.encode(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(ConnectBase64.decode("Zm8="), Array("fo".utf8))
        XCTAssertEqual(ConnectBase64.decode("Zm8"), Array("fo".utf8))
        XCTAssertNil(ConnectBase64.decode("Z"))
        XCTAssertNil(ConnectBase64.decode("Zm=8"))
        XCTAssertNil(ConnectBase64.decode("Zm8*"))
    }
}
