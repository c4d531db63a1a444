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
        print(schema.normalized())
    }
}
