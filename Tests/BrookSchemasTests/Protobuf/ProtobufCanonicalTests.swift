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
}
