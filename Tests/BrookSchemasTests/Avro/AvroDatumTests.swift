@testable import BrookSchemas
import BrookTestSupport
import XCTest

/// Binary encoding (the spec's own examples), JSON encoding, and a decoder that fails cleanly on
/// hostile bytes.
final class AvroDatumTests: XCTestCase {
    private func schema(_ text: String) throws -> AvroSchema { try AvroSchema.parse(text) }

    func testTheSpecsBinaryExamples() throws {
        // Avro spec 1.11, "Binary Encoding": zigzag varints, the record and array examples.
        let long = try schema(#""long""#)
        for (value, bytes) in [(0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (2, [0x04]), (-64, [0x7F]), (64, [0x80, 0x01])] as [(Int64, [UInt8])] {
            XCTAssertEqual(try long.encode(.long(value)), bytes, "\(value)")
            XCTAssertEqual(try long.decode(bytes), .long(value))
        }
        XCTAssertEqual(try schema(#""string""#).encode(.string("foo")), [0x06, 0x66, 0x6F, 0x6F])
        let record = try schema(#"{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}"#)
        XCTAssertEqual(try record.encode(.record([.long(27), .string("foo")])), [0x36, 0x06, 0x66, 0x6F, 0x6F])
        let array = try schema(#"{"type":"array","items":"long"}"#)
        XCTAssertEqual(try array.encode(.array([.long(3), .long(27)])), [0x04, 0x06, 0x36, 0x00])
        let union = try schema(#"["null","string"]"#)
        XCTAssertEqual(try union.encode(.union(branch: 0, value: .null)), [0x00])
        XCTAssertEqual(try union.encode(.union(branch: 1, value: .string("a"))), [0x02, 0x02, 0x61])
        XCTAssertEqual(try long.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), .long(Int64.min))
        XCTAssertEqual(try long.encode(.long(Int64.max)), [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    func testNegativeBlockCountsCarryABlockSize() throws {
        // Two items in one block written with a negative count and a byte size, then the end block.
        XCTAssertEqual(try schema(#"{"type":"array","items":"long"}"#).decode([0x03, 0x04, 0x06, 0x36, 0x00]), .array([.long(3), .long(27)]))
    }

    private static let everything = #"""
    {"type":"record","name":"All","namespace":"t","fields":[
      {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
      {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},{"name":"s","type":"string"},
      {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"x","type":{"type":"fixed","name":"F","size":2}},
      {"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"string"}},
      {"name":"u","type":["null","string",{"type":"record","name":"Inner","fields":[{"name":"v","type":"int"}]}]},
      {"name":"next","type":["null","All"],"default":null},
      {"name":"withDefault","type":["int","null"],"default":7}]}
    """#

    func testEveryTypeRoundTripsThroughBinaryAndJSON() throws {
        let all = try schema(Self.everything)
        let json = try JSONParser.parse(#"""
        {"n":null,"b":true,"i":-5,"l":12345678901,"f":1.5,"d":-0.25,"by":"\u0000\u00ff","s":"héllo","e":"B","x":"ab",
         "a":[1,2,3],"m":{"k":"v"},"u":{"t.Inner":{"v":9}},"next":{"t.All":{"n":null,"b":false,"i":0,"l":0,"f":0.0,"d":0.0,
         "by":"","s":"","e":"A","x":"zz","a":[],"m":{},"u":null}}}
        """#)
        let value = try all.value(fromJSON: json)
        guard case let .record(fields) = value else { return XCTFail("not a record") }
        XCTAssertEqual(fields[6], .bytes([0x00, 0xFF]))
        XCTAssertEqual(fields[12], .union(branch: 2, value: .record([.int(9)])))
        XCTAssertEqual(fields[14], .union(branch: 0, value: .int(7)), "a union default is its first branch's value")
        let bytes = try all.encode(value)
        XCTAssertEqual(try all.decode(bytes), value)
        let written = try all.json(for: value)
        XCTAssertEqual(try all.value(fromJSON: written), value)
        XCTAssertEqual(written["u"], try JSONParser.parse(#"{"t.Inner":{"v":9}}"#))
        XCTAssertEqual(written["withDefault"], try JSONParser.parse(#"{"int":7}"#))
        XCTAssertEqual(try all.value(fromJSON: try JSONParser.parse(#"{"Inner":{"v":1}}"#).withRoot(replacing: json, at: "u")),
                       try all.value(fromJSON: try JSONParser.parse(#"{"t.Inner":{"v":1}}"#).withRoot(replacing: json, at: "u")),
                       "a short branch name is accepted when unambiguous")
    }

    func testJSONThatDoesNotFitIsRejected() throws {
        let all = try schema(#"{"type":"record","name":"R","fields":[{"name":"i","type":"int"},{"name":"u","type":["null","string"]}]}"#)
        for bad in [#"{"i":"1","u":null}"#, #"{"i":2147483648,"u":null}"#, #"{"u":null}"#, #"{"i":1,"u":"bare"}"#,
                    #"{"i":1,"u":{"int":1}}"#, #"{"i":1,"u":{"string":"a","null":null}}"#, "[]"] {
            XCTAssertThrowsError(try all.value(fromJSON: try JSONParser.parse(bad)), bad)
        }
        XCTAssertThrowsError(try schema(#""bytes""#).value(fromJSON: .string("€")))
        XCTAssertThrowsError(try schema(#"{"type":"fixed","name":"F","size":2}"#).value(fromJSON: .string("abc")))
    }

    func testHostileBytesFailCleanly() throws {
        let string = try schema(#""string""#)
        XCTAssertThrowsError(try string.decode([0x01]), "negative length")
        XCTAssertThrowsError(try string.decode([0xFE, 0xFF, 0xFF, 0xFF, 0x0F]), "huge length")
        XCTAssertThrowsError(try string.decode([0x04, 0xC3, 0x28]), "invalid UTF-8")
        XCTAssertThrowsError(try schema(#""int""#).decode([0x80, 0x80, 0x80, 0x80, 0x20]), "int out of range")
        XCTAssertThrowsError(try schema(#""long""#).decode(Array(repeating: 0xFF, count: 11)), "varint too long")
        XCTAssertThrowsError(try schema(#""boolean""#).decode([0x02]))
        XCTAssertThrowsError(try schema(#""long""#).decode([0x02, 0x00]), "bytes left over")
        // A billion nulls claimed by five bytes.
        XCTAssertThrowsError(try schema(#"{"type":"array","items":"null"}"#).decode([0x80, 0xA8, 0xD6, 0xB9, 0x07, 0x00]))
        // Deep recursion through a recursive type: one byte per level.
        let list = try schema(#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}"#)
        XCTAssertThrowsError(try list.decode(Array(repeating: 0x02, count: 100_000) + [0x00]))
        XCTAssertNoThrow(try list.decode(Array(repeating: 0x02, count: 100) + [0x00]))
    }

    func testRandomBytesAndTruncationsNeverCrash() throws {
        let all = try schema(Self.everything)
        let valid = try all.encode(try all.value(fromJSON: try JSONParser.parse(#"""
        {"n":null,"b":true,"i":-5,"l":1,"f":1.5,"d":2,"by":"ab","s":"s","e":"B","x":"ab","a":[1,2],"m":{"k":"v"},"u":{"string":"x"}}
        """#)))
        for end in 0..<valid.count {
            XCTAssertThrowsError(try all.decode(Array(valid[0..<end])), "truncated at \(end)")
        }
        var rng = SeededRNG(seed: 99)
        for _ in 0..<5_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            // Re-encoding what decoded must be stable (values are compared as bytes: NaN != NaN).
            if let value = try? all.decode(bytes) {
                let again = try all.encode(value)
                XCTAssertEqual(try all.encode(try all.decode(again)), again)
            }
        }
    }
}

private extension JSONValue {
    /// `document` with member `name` replaced by this value.
    func withRoot(replacing document: JSONValue, at name: String) -> JSONValue {
        guard let members = document.objectMembers else { return document }
        return .object(members.map { $0.0 == name ? ($0.0, self) : $0 })
    }
}
