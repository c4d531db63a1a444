@testable import BrookSchemas
import BrookTestSupport
import XCTest

/// Hostile schema text: parsing either succeeds or throws, never crashes; what parses can be written,
/// re-parsed to the same text, and compared with itself.
final class AvroSchemaFuzzTests: XCTestCase {
    private static let seeds = [
        #"{"type":"record","name":"R","namespace":"a.b","aliases":["Q"],"fields":[{"name":"f","type":["null","string"],"default":null},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}},{"name":"x","type":{"type":"fixed","name":"F","size":16,"logicalType":"decimal","precision":10}},{"name":"m","type":{"type":"map","values":{"type":"array","items":"E"}},"default":{}},{"name":"n","type":["null","R"]}]}"#,
        #"["null","int",{"type":"long","logicalType":"timestamp-millis"},{"type":"record","name":"S","fields":[{"name":"d","type":"double","default":1.5e3}]}]"#,
        #"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS"],"doc":"cards"}"#,
    ]

    private func checkRoundTrip(_ text: String) {
        guard let schema = try? AvroSchema.parse(text) else { return }
        for form in [schema.canonicalString, schema.normalized()] {
            guard let again = try? AvroSchema.parse(form, validateDefaults: false) else {
                return XCTFail("\(text) wrote \(form), which does not parse")
            }
            XCTAssertEqual(again.canonicalString, form, text)
        }
        XCTAssertEqual(schema.incompatibilities(readingDataWrittenWith: schema), [], text)
        _ = schema.parsingFingerprint64
    }

    func testTruncationsNeverCrash() {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for end in 0...bytes.count {
                checkRoundTrip(String(decoding: bytes[0..<end], as: UTF8.self))
            }
        }
    }

    func testRandomMutationsNeverCrash() {
        var rng = SeededRNG(seed: 13)
        let alphabet = Array(#"{}[]",:0123456789.-e nulltypenamerecordfieldsxRSEAintlongstringunionaliasesdefaultsymbols"#.utf8)
        for _ in 0..<4_000 {
            var bytes = Array(Self.seeds.randomElement(using: &rng)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                }
                if bytes.isEmpty { break }
            }
            checkRoundTrip(String(decoding: bytes, as: UTF8.self))
        }
    }

    func testDeepNestingIsAnErrorOrBoundedNotACrash() {
        let arrays = String(repeating: #"{"type":"array","items":"#, count: 300) + #""int""# + String(repeating: "}", count: 300)
        XCTAssertThrowsError(try AvroSchema.parse(arrays), "deeper than the JSON parser's limit")
        let unions = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try AvroSchema.parse(unions))
        // As deep as JSON allows: records nested in records, each with a default to validate.
        var text = #""int""#
        for i in 0..<60 {
            text = #"{"type":"record","name":"R\#(i)","fields":[{"name":"f","type":\#(text)}]}"#
        }
        checkRoundTrip(text)
    }
}
