import BrookSchemas
import XCTest

/// Binary ↔ proto3 JSON for the CLI, against bytes computed by hand from the wire format.
final class ProtobufJSONTests: XCTestCase {
    func testDecodesGoldenBytes() throws {
        let schema = try ProtobufSchema(text: """
            syntax = "proto3";
            message Test { int32 a = 1; string b = 2; Inner c = 3; repeated int32 d = 4; sint64 e = 5; bytes f = 6; E g = 7; double h = 8; fixed32 i = 9; bool j = 10; uint64 k = 11;
              message Inner { int32 x = 1; } }
            enum E { ZERO = 0; ONE = 1; }
            """)
        let bytes: [UInt8] = [
            0x08, 0x96, 0x01,                                  // a = 150
            0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67, // b = "testing"
            0x1A, 0x02, 0x08, 0x01,                            // c = { x: 1 }
            0x22, 0x03, 0x01, 0x02, 0x03,                      // d = [1, 2, 3] packed
            0x20, 0x04,                                        // d += 4 unpacked
            0x28, 0x03,                                        // e = zigzag(3) = -2
            0x32, 0x03, 0x01, 0x02, 0x03,                      // f = 0x010203
            0x38, 0x01,                                        // g = ONE
            0x41, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,                // h = 1.5
            0x4D, 0x01, 0, 0, 0,                               // i = 1
            0x50, 0x01,                                        // j = true
            0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // k = 2^64 - 1
            0xA0, 0x06, 0x07,                                  // unknown field 100, skipped
        ]
        let json = try schema.decodeJSON(bytes)
        XCTAssertEqual(json.compactText, #"{"a":150,"b":"testing","c":{"x":1},"d":[1,2,3,4],"e":"-2","f":"AQID","g":"ONE","h":1.5,"i":1,"j":true,"k":"18446744073709551615"}"#)
        let reencoded = try schema.encodeJSON(json)
        XCTAssertEqual(try schema.decodeJSON(reencoded), json)
        // Confluent framing: [0] is one zero byte; [1, 0] is count 2 then 1, 0 (zigzag).
        XCTAssertEqual(ConfluentProtobufFraming.messageIndexBytes([0]), [0])
        XCTAssertEqual(ConfluentProtobufFraming.messageIndexBytes([1, 0]), [4, 2, 0])
        XCTAssertEqual(try ConfluentProtobufFraming.readMessageIndexes([4, 2, 0, 9]).indexes, [1, 0])
        XCTAssertEqual(try ConfluentProtobufFraming.readMessageIndexes([4, 2, 0, 9]).messageStart, 3)
        let payload = try schema.encodeConfluentPayload(.object([("x", .number("5"))]), messageFullName: "Test.Inner")
        XCTAssertEqual(payload, [4, 0, 0, 0x08, 0x05])
        let decoded = try schema.decodeConfluentPayload(payload)
        XCTAssertEqual(decoded.messageFullName, "Test.Inner")
        XCTAssertEqual(decoded.json, .object([("x", .number("5"))]))
    }

    func testMapsOneofsAndNames() throws {
        let schema = try ProtobufSchema(text: """
            syntax = "proto3";
            package p;
            message M { map<int32, string> by_id = 1; oneof choice { string first_name = 2; int64 big_number = 3; } string renamed = 4 [json_name = "custom"]; }
            """)
        let json: JSONValue = .object([("byId", .object([("7", .string("seven")), ("-1", .string("minus"))])), ("bigNumber", .string("9007199254740993")), ("custom", .string("x"))])
        let bytes = try schema.encodeJSON(json, messageFullName: "p.M")
        XCTAssertEqual(try schema.decodeJSON(bytes, messageFullName: "M"), json)
        // Proto field names are accepted too; both oneof members set is an error.
        XCTAssertEqual(try schema.decodeJSON(try schema.encodeJSON(.object([("first_name", .string("a"))]))), .object([("firstName", .string("a"))]))
        XCTAssertThrowsError(try schema.encodeJSON(.object([("firstName", .string("a")), ("bigNumber", .number("1"))])))
        XCTAssertThrowsError(try schema.encodeJSON(.object([("nope", .number("1"))])))
        XCTAssertThrowsError(try schema.encodeJSON(.object([("bigNumber", .string("x"))])))
        XCTAssertThrowsError(try schema.decodeJSON([], messageFullName: "p.Missing"))
    }

    func testWellKnownTypesUseTheirJSONForms() throws {
        let schema = try ProtobufSchema(text: """
            syntax = "proto3";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/wrappers.proto";
            import "google/protobuf/struct.proto";
            import "google/protobuf/field_mask.proto";
            import "google/protobuf/empty.proto";
            message W {
              google.protobuf.Timestamp at = 1;
              google.protobuf.Duration took = 2;
              google.protobuf.Int64Value count = 3;
              google.protobuf.StringValue label = 4;
              google.protobuf.Struct attributes = 5;
              google.protobuf.FieldMask mask = 6;
              google.protobuf.Empty nothing = 7;
              google.protobuf.Value any_value = 8;
              repeated google.protobuf.Timestamp history = 9;
            }
            """)
        let json: JSONValue = .object([
            ("at", .string("1969-07-20T20:17:40.123456Z")),
            ("took", .string("-1.500s")),
            ("count", .string("42")),
            ("label", .string("")),
            ("attributes", .object([("a", .number("1")), ("b", .array([.bool(true), .null, .string("s"), .object([("c", .number("2.5"))])]))])),
            ("mask", .string("user.displayName,photo")),
            ("nothing", .object([])),
            ("anyValue", .null),
            ("history", .array([.string("0001-01-01T00:00:00Z"), .string("9999-12-31T23:59:59.999999999Z"), .string("2024-02-29T12:00:00Z")])),
        ])
        let bytes = try schema.encodeJSON(json)
        XCTAssertEqual(try schema.decodeJSON(bytes), json)
        // Offsets are folded into UTC.
        let shifted = try schema.decodeJSON(try schema.encodeJSON(.object([("at", .string("2026-01-01T01:30:00+01:30"))])))
        XCTAssertEqual(shifted, .object([("at", .string("2026-01-01T00:00:00Z"))]))
        for bad in ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01 00:00:00Z", "10000-01-01T00:00:00Z", "2026-01-01T00:00:00"] {
            XCTAssertThrowsError(try schema.encodeJSON(.object([("at", .string(bad))])), bad)
        }
        XCTAssertThrowsError(try schema.encodeJSON(.object([("took", .string("1.5"))])))
    }
}
