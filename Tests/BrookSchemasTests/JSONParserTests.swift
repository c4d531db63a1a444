import BrookSchemas
import BrookTestSupport
import XCTest

final class JSONParserTests: XCTestCase {
    func testKeepsMemberOrderAndNumberLiterals() throws {
        let value = try JSONParser.parse(#" { "b" : 1.50, "a" : [true, null, -0, 12345678901234567890], "c":"x\u00e9\ud83d\ude00\n" } "#)
        XCTAssertEqual(value.objectMembers?.map(\.0), ["b", "a", "c"])
        XCTAssertEqual(value.compactText, #"{"b":1.50,"a":[true,null,-0,12345678901234567890],"c":"xé😀\n"}"#)
        XCTAssertEqual(value.sortedText, #"{"a":[true,null,-0,12345678901234567890],"b":1.50,"c":"xé😀\n"}"#)
        XCTAssertEqual(value["b"]?.doubleValue, 1.5)
        XCTAssertNil(value["a"]?.arrayValue?[3].int64Value, "does not fit in Int64")
        XCTAssertEqual(try JSONParser.parse("1e2").int64Value, 100)
    }

    func testRejectsWhatRFC8259Rejects() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"a\u{01}\"", "nul", "{\"a\":1,\"a\":2}", "[1] 2", "{a:1}"] {
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(deep))
    }

    func testRandomBytesNeverCrashAndRoundTripWhenValid() throws {
        var rng = SeededRNG(seed: 7)
        let alphabet = Array("{}[]\",:0123456789.-eE truefalsnul\\u".utf8)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if let value = try? JSONParser.parse(bytes) {
                XCTAssertEqual(try JSONParser.parse(value.compactText), value)
            }
        }
    }
}
