import BrookSchemas
import Foundation
import XCTest

/// Schemas sent as base64 `FileDescriptorProto` (confluent-kafka-python registers them so) and
/// the `format=serialized` answer, checked against descriptors protoc generated.
final class ProtobufDescriptorTests: XCTestCase {
    /// protoc's descriptor of confluent/type/decimal.proto, as embedded in confluent-kafka's decimal_pb2.py.
    private let decimalDescriptor = "Chxjb25mbHVlbnQvdHlwZS9kZWNpbWFsLnByb3RvEg5jb25mbHVlbnQudHlwZSI6CgdEZWNpbWFsEg0KBXZhbHVlGAEgASgMEhEKCXByZWNpc2lvbhgCIAEoDRINCgVzY2FsZRgDIAEoBWIGcHJvdG8z"
    /// protoc's descriptor of confluent/meta.proto (a map field, extensions, a file option), from meta_pb2.py.
    private let metaDescriptor = "ChRjb25mbHVlbnQvbWV0YS5wcm90bxIJY29uZmx1ZW50GiBnb29nbGUvcHJvdG9idWYvZGVzY3JpcHRvci5wcm90byKdAQoETWV0YRILCgNkb2MYASABKAkSKwoGcGFyYW1zGAIgAygLMhsuY29uZmx1ZW50Lk1ldGEuUGFyYW1zRW50cnkSDAoEdGFncxgDIAMoCRIeCgVydWxlcxgEIAMoCzIPLmNvbmZsdWVudC5SdWxlGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEiPAoEUnVsZRIMCgRuYW1lGAEgASgJEgsKA2RvYxgCIAEoCRIMCgRleHByGAMgASgJEgsKA3NxbBgEIAEoCTpBCglmaWxlX21ldGESHC5nb29nbGUucHJvdG9idWYuRmlsZU9wdGlvbnMYwAggASgLMg8uY29uZmx1ZW50Lk1ldGE6RwoMbWVzc2FnZV9tZXRhEh8uZ29vZ2xlLnByb3RvYnVmLk1lc3NhZ2VPcHRpb25zGMAIIAEoCzIPLmNvbmZsdWVudC5NZXRhOkMKCmZpZWxkX21ldGESHS5nb29nbGUucHJvdG9idWYuRmllbGRPcHRpb25zGMAIIAEoCzIPLmNvbmZsdWVudC5NZXRhOkEKCWVudW1fbWV0YRIcLmdvb2dsZS5wcm90b2J1Zi5FbnVtT3B0aW9ucxjACCABKAsyDy5jb25mbHVlbnQuTWV0YTpMCg9lbnVtX3ZhbHVlX21ldGESIS5nb29nbGUucHJvdG9idWYuRW51bVZhbHVlT3B0aW9ucxjACCABKAsyDy5jb25mbHVlbnQuTWV0YUIOWgwuLi9jb25mbHVlbnRiBnByb3RvMw=="

    private let metaText = """
        syntax = "proto3";
        package confluent;
        import "google/protobuf/descriptor.proto";
        option go_package = "../confluent";
        message Meta {
          string doc = 1;
          map<string, string> params = 2;
          repeated string tags = 3;
          repeated Rule rules = 4;
        }
        message Rule { string name = 1; string doc = 2; string expr = 3; string sql = 4; }
        extend google.protobuf.FileOptions { Meta file_meta = 1088; }
        extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
        extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
        extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
        extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
        """

    func testWritesWhatProtocWrites() throws {
        let decimal = try ProtobufSchema(text: "syntax = \"proto3\";\npackage confluent.type;\nmessage Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }")
        XCTAssertEqual(decimal.serializedDescriptor(fileName: "confluent/type/decimal.proto"), decimalDescriptor)
        let meta = try ProtobufSchema(text: metaText)
        XCTAssertEqual(meta.serializedDescriptor(fileName: "confluent/meta.proto"), metaDescriptor)
    }

    func testReadsProtocDescriptorsIntoText() throws {
        let meta = try ProtobufSchema(text: metaDescriptor)
        XCTAssertEqual(meta.canonicalString, """
            syntax = "proto3";
            package confluent;

            import "google/protobuf/descriptor.proto";

            option go_package = "../confluent";

            message Meta {
              string doc = 1;
              repeated .confluent.Meta.ParamsEntry params = 2;
              repeated string tags = 3;
              repeated .confluent.Rule rules = 4;

              message ParamsEntry {
                option map_entry = true;
              
                string key = 1;
                string value = 2;
              }
            }
            message Rule {
              string name = 1;
              string doc = 2;
              string expr = 3;
              string sql = 4;
            }

            extend .google.protobuf.FileOptions {
              .confluent.Meta file_meta = 1088;
            }
            extend .google.protobuf.MessageOptions {
              .confluent.Meta message_meta = 1088;
            }
            extend .google.protobuf.FieldOptions {
              .confluent.Meta field_meta = 1088;
            }
            extend .google.protobuf.EnumOptions {
              .confluent.Meta enum_meta = 1088;
            }
            extend .google.protobuf.EnumValueOptions {
              .confluent.Meta enum_value_meta = 1088;
            }

            """)
        // Map entries stay explicit, as Confluent prints descriptors, but text and descriptor forms
        // of one schema are the same schema once normalized, and compatible both ways.
        let fromText = try ProtobufSchema(text: metaText)
        XCTAssertEqual(meta.normalized(), fromText.normalized())
        XCTAssertEqual(meta.compatibilityIssues(readingDataWrittenWith: fromText), [])
        XCTAssertEqual(fromText.compatibilityIssues(readingDataWrittenWith: meta), [])
        // Message indexes count the entry message, as the client's descriptor does.
        let withEntryFirst = try ProtobufSchema(text: try ProtobufSchema(text: "syntax = \"proto3\"; message O { map<string, int32> m = 1; message After { int32 x = 1; } }").serializedDescriptor())
        XCTAssertEqual(withEntryFirst.messageIndexes(forFullName: "O.After"), [0, 1])
        let payload = try withEntryFirst.encodeJSON(.object([("m", .object([("a", .number("1"))]))]), messageFullName: "O")
        XCTAssertEqual(try withEntryFirst.decodeJSON(payload, messageFullName: "O"), .object([("m", .object([("a", .number("1"))]))]))
        XCTAssertEqual(meta.serializedDescriptor(fileName: "confluent/meta.proto"), metaDescriptor)
        XCTAssertEqual(try ProtobufSchema(text: decimalDescriptor).messageIndexes(forFullName: "confluent.type.Decimal"), [0])
    }

    func testRoundTripsTheLanguageThroughDescriptors() throws {
        let text = """
            syntax = "proto2";
            package rt;
            import "google/protobuf/timestamp.proto";
            option java_package = "com.rt";
            option optimize_for = SPEED;
            message Outer {
              required int64 id = 1 [deprecated = true];
              optional string name = 2 [default = "n/a", json_name = "label"];
              repeated sint32 values = 3 [packed = true];
              optional Kind kind = 4 [default = KIND_B];
              optional google.protobuf.Timestamp at = 5;
              map<string, Inner> inners = 6;
              oneof choice { int32 x = 7; Inner y = 8; }
              optional double ratio = 9 [default = -inf];
              reserved 20 to 29, 40;
              reserved "gone";
              extensions 100 to 199;
              message Inner { optional bytes data = 1; }
              enum Kind { option allow_alias = true; KIND_A = 1; KIND_B = 2; KIND_BEE = 2; reserved 10 to 12; reserved "KIND_OLD"; }
            }
            extend Outer { optional string note = 150; }
            service Svc { rpc Call (Outer) returns (stream Outer.Inner); }
            """
        let schema = try ProtobufSchema(text: text)
        let fromDescriptor = try ProtobufSchema(text: schema.serializedDescriptor(), references: [])
        XCTAssertEqual(fromDescriptor.normalized(), schema.normalized())
        XCTAssertEqual(fromDescriptor.serializedDescriptor(), schema.serializedDescriptor())

        let proto3 = try ProtobufSchema(text: "syntax = \"proto3\"; message M { optional int32 maybe = 1; oneof o { string a = 2; } int32 plain = 3; }")
        let back = try ProtobufSchema(text: proto3.serializedDescriptor())
        XCTAssertEqual(back.canonicalString, proto3.canonicalString)
    }

    func testGarbageIsStillReportedAsATextError() {
        XCTAssertThrowsError(try ProtobufSchema(text: "AAAA")) { error in
            XCTAssertTrue((error as? InvalidSchemaError)?.message.hasPrefix("Invalid Protobuf schema: 1:") == true, "\(error)")
        }
        XCTAssertThrowsError(try ProtobufSchema(text: "CgV2YWx1ZRgBIAEoDA"))
    }

    func testMapEntriesKeepTheirPlaceAmongNestedTypes() throws {
        // protoc: nested types of Outer are [Before, MEntry, After]; a client computes the message
        // index of After as [0, 2] from that list, so the served descriptor must list them so too.
        let schema = try ProtobufSchema(text: "syntax = \"proto3\"; message Outer { message Before {} map<string, int32> m = 1; message After {} }")
        let fromDescriptor = try ProtobufSchema(text: schema.serializedDescriptor())
        XCTAssertEqual(fromDescriptor.serializedDescriptor(), schema.serializedDescriptor())
        let bytes = Array(Data(base64Encoded: schema.serializedDescriptor())!)
        let text = String(decoding: bytes, as: UTF8.self)
        // Each nested DescriptorProto starts with its name (tag 1, length).
        let before = try XCTUnwrap(text.range(of: "\n\u{06}Before")), entry = try XCTUnwrap(text.range(of: "\n\u{06}MEntry"))
        let after = try XCTUnwrap(text.range(of: "\n\u{05}After"))
        XCTAssertTrue(before.lowerBound < entry.lowerBound && entry.lowerBound < after.lowerBound)
    }
}
