import BrookSchemas
import XCTest

final class ProtobufCanonicalTests: XCTestCase {
    func testPrintsConfluentsLayout() throws {
        let text = """
            // An order.
            syntax = "proto3";
            package shop.v1;
            import "google/protobuf/timestamp.proto";
            option java_package = "com.example.shop";
            enum Status { STATUS_UNKNOWN = 0; PAID = 1 [deprecated = true]; }
            message Order {
              reserved 4, 8 to 10;
              reserved "legacy";
              message Line { string sku = 1; int32 quantity = 2; }
              oneof payment { string card = 5; string iban = 6; }
              string id = 1 [json_name = "orderId", deprecated = true];
              repeated Line lines = 2;
              google.protobuf.Timestamp placed_at = 3;
              map<string, int64> totals = 7;
              Status status = 11;
              optional string note = 12;
            }
            service Orders { rpc Place (Order) returns (Order); }
            """
        let schema = try ProtobufSchema(text: text)
        XCTAssertEqual(schema.canonicalString, """
            syntax = "proto3";
            package shop.v1;

            import "google/protobuf/timestamp.proto";

            option java_package = "com.example.shop";

            message Order {
              reserved 4, 8 to 10;
              reserved "legacy";

              string id = 1 [
                deprecated = true,
                json_name = "orderId"
              ];
              repeated Line lines = 2;
              google.protobuf.Timestamp placed_at = 3;
              map<string, int64> totals = 7;
              Status status = 11;
              optional string note = 12;

              oneof payment {
                string card = 5;
                string iban = 6;
              }

              message Line {
                string sku = 1;
                int32 quantity = 2;
              }
            }
            enum Status {
              STATUS_UNKNOWN = 0;
              PAID = 1 [deprecated = true];
            }

            service Orders {
              rpc Place (Order) returns (Order);
            }

            """)
        XCTAssertEqual(try ProtobufSchema(text: schema.canonicalString).canonicalString, schema.canonicalString)
        let normalized = schema.normalized()
        XCTAssertTrue(normalized.contains("  reserved 4;\n  reserved 8 to 10;\n  reserved \"legacy\";\n"), normalized)
        XCTAssertTrue(normalized.contains("repeated .shop.v1.Order.Line lines = 2;"))
        XCTAssertTrue(normalized.contains(".google.protobuf.Timestamp placed_at = 3;"))
        XCTAssertTrue(normalized.contains("rpc Place (.shop.v1.Order) returns (.shop.v1.Order);"))
    }

    func testWhitespaceCommentsAndOrderOfKindsDoNotChangeTheStoredText() throws {
        let a = try ProtobufSchema(text: """
            syntax = "proto3"; package p;
            enum E { A = 0; }
            /* block */ message M { int32 x = 1; // trailing
            E e = 2; }
            """)
        let b = try ProtobufSchema(text: """
            syntax   =   "proto3";
            package p;

            message M {
                int32 x = 1;
                E e = 2;
            }

            enum E {
                A = 0;
            }
            """)
        XCTAssertEqual(a.canonicalString, b.canonicalString)
        XCTAssertEqual(a, b)
        // Field order is kept (it is the author's), but normalizing sorts by number.
        let c = try ProtobufSchema(text: "syntax = \"proto3\"; package p; message M { E e = 2; int32 x = 1; } enum E { A = 0; }")
        XCTAssertNotEqual(c.canonicalString, a.canonicalString)
        XCTAssertEqual(c.normalized(), a.normalized())
    }

    func testNormalizingSortsAndQualifies() throws {
        let schema = try ProtobufSchema(text: """
            syntax = "proto2";
            package p;
            import "google/protobuf/descriptor.proto";
            import "confluent/meta.proto";
            option java_package = "x";
            option (confluent.file_meta).doc = "file";
            option deprecated = true;
            extend google.protobuf.FieldOptions { optional int32 rank = 50001; }
            message M {
              reserved 9, 3 to 4, "z", "b";
              optional N n = 2 [(rank) = 1, deprecated = true, default = 0x10, json_name = "nn"];
              required float a = 1 [default = 1.25000];
              oneof second { string s = 8; string r = 7; }
              oneof first { string t = 5; }
              extensions 200 to 300, 100 to 150;
              message N {}
            }
            enum E { B = 2; A = 1; C = 1; option allow_alias = true; }
            """.replacingOccurrences(of: "optional N n = 2 [(rank) = 1, deprecated = true, default = 0x10, json_name = \"nn\"]", with: "optional int64 n = 2 [(rank) = 1, deprecated = true, default = 0x10, json_name = \"nn\"]"))
        XCTAssertEqual(schema.normalized(), """
            package p;

            import "confluent/meta.proto";
            import "google/protobuf/descriptor.proto";

            option (confluent.file_meta) = {
              doc: "file"
            };
            option deprecated = true;
            option java_package = "x";

            message M {
              reserved 3 to 4;
              reserved 9;
              reserved "b";
              reserved "z";

              required float a = 1 [default = 1.25];
              optional int64 n = 2 [
                default = 16,
                deprecated = true,
                json_name = "nn",
                (p.rank) = 1
              ];

              oneof first {
                string t = 5;
              }
              oneof second {
                string r = 7;
                string s = 8;
              }

              extensions 100 to 150;
              extensions 200 to 300;

              message N {}
            }
            enum E {
              option allow_alias = true;
              A = 1;
              C = 1;
              B = 2;
            }

            extend .google.protobuf.FieldOptions {
              optional int32 rank = 50001;
            }

            """)
        XCTAssertEqual(try ProtobufSchema(text: schema.normalized()).normalized(), schema.normalized())
    }

    /// Input and expected text of a case in Confluent's ProtobufSchemaTest (custom options with
    /// lists and aggregates; imports after the options; single-quoted strings).
    func testCustomOptionsPrintAsConfluentPrintsThem() throws {
        let extensions = ResolvedReference(
            reference: SchemaReference(name: "common/extensions.proto", subject: "extensions", version: 1),
            schema: """
                syntax = "proto3";
                package com.custom;
                import "google/protobuf/descriptor.proto";
                message Map { string subject = 1; Mode compatibility_mode = 2; }
                enum Mode { NONE = 0; FULL = 1; }
                extend google.protobuf.FileOptions { Map map = 50000; }
                """)
        let text = """
            syntax = "proto3";

            import "common/extensions.proto";
            import "confluent/meta.proto";

            package com.custom.example.v0;

            option go_package = "example/v0;example";
            option java_multiple_files = true;
            option (com.custom.map).subject = 'user-value';
            option (com.custom.map).compatibility_mode = FULL;
            option (.confluent.file_meta).doc = "file meta";
            option (confluent.file_meta).params = [
                  {
                    value: "my_value",
                    key: "my_key"
                  }
                ];
            option (confluent.file_meta).tags = ["PII", "PRIVATE"];
            message User {
              string first_name = 1;
              string last_name = 2;
            }
            """
        let schema = try ProtobufSchema(text: text, references: [extensions])
        XCTAssertEqual(schema.canonicalString, """
            syntax = "proto3";
            package com.custom.example.v0;

            import "common/extensions.proto";
            import "confluent/meta.proto";

            option go_package = "example/v0;example";
            option java_multiple_files = true;
            option (com.custom.map).subject = "user-value";
            option (com.custom.map).compatibility_mode = FULL;
            option (.confluent.file_meta).doc = "file meta";
            option (confluent.file_meta).params = [{
              value: "my_value",
              key: "my_key"
            }];
            option (confluent.file_meta).tags = [
              "PII",
              "PRIVATE"
            ];

            message User {
              string first_name = 1;
              string last_name = 2;
            }

            """)
        XCTAssertEqual(try ProtobufSchema(text: schema.canonicalString, references: [extensions]).canonicalString, schema.canonicalString)
    }

    /// Another case of Confluent's ProtobufSchemaTest: repeated custom options on fields, kept as
    /// written in the stored text and merged into one aggregate when normalized.
    func testRepeatedCustomFieldOptionsMergeWhenNormalized() throws {
        let text = """
            syntax = "proto3";
            package com.example.mynamespace;
            import "confluent/meta.proto";
            import "confluent/type/decimal.proto";
            option java_package = "io.confluent.kafka.serializers.protobuf.test";
            option java_outer_classname = "ComplexProto";
            message SampleRecord {
              int32 my_field1 = 1 [
                (confluent.field_meta).tags = "foo"
              ];
              double my_field2 = 2 [(confluent.field_meta) = {
                tags: [
                  "bar"
                ]
              }];
              int32 my_field3 = 3 [
                (confluent.field_meta).tags = "foo",
                (confluent.field_meta).tags = "bar"
              ];
              string my_field5 = 5 [
                (confluent.field_meta) = {
                  tags: ["foo"]
                },
                (confluent.field_meta).tags = "bar"
              ];
              string my_field6 = 6 [
                (confluent.field_meta).tags = "foo",
                (confluent.field_meta).tags = ["bar"]
              ];
            }
            """
        let schema = try ProtobufSchema(text: text)
        XCTAssertEqual(schema.canonicalString, """
            syntax = "proto3";
            package com.example.mynamespace;

            import "confluent/meta.proto";
            import "confluent/type/decimal.proto";

            option java_package = "io.confluent.kafka.serializers.protobuf.test";
            option java_outer_classname = "ComplexProto";

            message SampleRecord {
              int32 my_field1 = 1 [(confluent.field_meta).tags = "foo"];
              double my_field2 = 2 [(confluent.field_meta) = {
                tags: [
                  "bar"
                ]
              }];
              int32 my_field3 = 3 [
                (confluent.field_meta).tags = "foo",
                (confluent.field_meta).tags = "bar"
              ];
              string my_field5 = 5 [
                (confluent.field_meta) = {
                  tags: [
                    "foo"
                  ]
                },
                (confluent.field_meta).tags = "bar"
              ];
              string my_field6 = 6 [
                (confluent.field_meta).tags = "foo",
                (confluent.field_meta).tags = ["bar"]
              ];
            }

            """)
        XCTAssertEqual(schema.normalized(), """
            syntax = "proto3";
            package com.example.mynamespace;

            import "confluent/meta.proto";
            import "confluent/type/decimal.proto";

            option java_outer_classname = "ComplexProto";
            option java_package = "io.confluent.kafka.serializers.protobuf.test";

            message SampleRecord {
              int32 my_field1 = 1 [(confluent.field_meta) = {
                tags: "foo"
              }];
              double my_field2 = 2 [(confluent.field_meta) = {
                tags: "bar"
              }];
              int32 my_field3 = 3 [(confluent.field_meta) = {
                tags: [
                  "foo",
                  "bar"
                ]
              }];
              string my_field5 = 5 [(confluent.field_meta) = {
                tags: [
                  "foo",
                  "bar"
                ]
              }];
              string my_field6 = 6 [(confluent.field_meta) = {
                tags: [
                  "foo",
                  "bar"
                ]
              }];
            }

            """)
    }
}
