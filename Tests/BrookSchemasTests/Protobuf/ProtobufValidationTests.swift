import BrookSchemas
import XCTest

final class ProtobufValidationTests: XCTestCase {
    private func parse(_ text: String, _ references: [ResolvedReference] = []) throws(InvalidSchemaError) -> ProtobufSchema {
        try ProtobufSchema(text: text, references: references)
    }

    /// The message of the error `text` raises, or a failure when it parses.
    private func error(_ text: String, _ references: [ResolvedReference] = [], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text, references)
            XCTFail("expected an error for:\n\(text)", file: file, line: line)
            return ""
        } catch {
            return error.message
        }
    }

    func testAcceptsTheLanguage() throws {
        let proto2 = """
            syntax = "proto2";
            package a.b;
            import public "google/protobuf/descriptor.proto";
            import weak "google/protobuf/empty.proto";
            option (my_file_opt) = { name: "x" tags: ["a", "b"] nested { depth: -1.5e3 } [a.b.ext]: true };
            extend google.protobuf.FileOptions { optional Opt my_file_opt = 50000; }
            extend google.protobuf.FieldOptions { optional int32 rank = 50001; }
            message Opt { optional string name = 1; repeated string tags = 2; optional Opt nested = 3; optional double depth = 4; }
            message Outer {
              option deprecated = true;
              required int64 id = 1 [(rank) = 3, (rank) = 4];
              optional string s = 2 [default = "a\\"b\\x41\\101"];
              optional float f = 3 [default = -inf];
              optional Kind k = 4 [default = KIND_B];
              optional uint32 hex = 5 [default = 0x1F];
              repeated .a.b.Outer.Inner inners = 6 [packed = false];
              extensions 100 to 199, 300 to max;
              enum Kind { option allow_alias = true; KIND_A = 1; KIND_B = 2; KIND_ALIAS = 2; reserved 10 to max; reserved "OLD"; }
              message Inner { optional Inner.Deeper d = 1; message Deeper { optional Kind kind = 1; } }
              oneof choice { int32 x = 7; Inner y = 8; }
              extend Outer { optional string ext_s = 150; }
            }
            service S { option deprecated = true; rpc Stream (stream Outer) returns (stream .a.b.Outer) { option deprecated = true; } }
            """
        let schema = try parse(proto2)
        XCTAssertEqual(try parse(schema.canonicalString).canonicalString, schema.canonicalString)
        XCTAssertEqual(try parse(schema.normalized()).normalized(), schema.normalized())

        let editions = """
            edition = "2023";
            package e;
            message M { string a = 1; reserved b, c; repeated int32 r = 2; }
            """
        XCTAssertEqual(try parse(editions).canonicalString, """
            edition = "2023";
            package e;

            message M {
              reserved "b", "c";

              string a = 1;
              repeated int32 r = 2;
            }

            """)
        // No syntax line: proto2; keywords may be field names.
        XCTAssertNoThrow(try parse("message M { optional string message = 1; optional int32 option_x = 2; optional bool syntax = 3; }"))
        XCTAssertNoThrow(try parse("syntax = 'proto3'; message E {} message M { E e = 1; reserved 2; }"))
    }

    func testScopingFindsTheInnermostDeclaration() throws {
        let schema = try parse("""
            syntax = "proto3";
            package p;
            message A { message B { int32 outer = 1; } }
            message C {
              message B { string inner = 1; }
              B local = 1;
              A.B via_outer = 2;
              .p.A.B absolute = 3;
            }
            """)
        XCTAssertTrue(schema.normalized().contains(".p.C.B local = 1;"), schema.normalized())
        XCTAssertTrue(schema.normalized().contains(".p.A.B via_outer = 2;"))
        XCTAssertTrue(schema.normalized().contains(".p.A.B absolute = 3;"))
    }

    func testSyntaxErrorsSayLineAndColumn() {
        XCTAssertEqual(error("syntax = \"proto3\";\nmessage M {\n  int32 a = ;\n}"),
                       "Invalid Protobuf schema: 3:13: expected a field number but found ';'")
        XCTAssertTrue(error("syntax = \"proto4\";").contains("1:10: unknown syntax"))
        XCTAssertTrue(error("message M { int32 a = 1 }").contains("1:25: expected ';'"))
        XCTAssertTrue(error("message M {").contains("unexpected end of input"))
        XCTAssertTrue(error("message M { string s = 1 [default = \"abc]; }").contains("unterminated string"))
        XCTAssertTrue(error("/* open").contains("unterminated block comment"))
        XCTAssertTrue(error("message M { int32 a = 1; } package p;\nsyntax = \"proto3\";").contains("2:1: 'syntax' must be the first"))
        XCTAssertTrue(error("message M { optional group G = 1 { } }").contains("groups are not supported"))
        XCTAssertTrue(error("message M { optional int32 a = 99999999999999999999; }").contains("out of range"))
    }

    func testRejectsWhatProtocRejects() {
        let cases: [(String, String)] = [
            ("syntax = \"proto3\"; message M { int32 a = 1; string b = 1; }", "field number 1 of b is already used by a"),
            ("syntax = \"proto3\"; message M { int32 a = 1; string a = 2; }", "\"a\" is already used"),
            ("syntax = \"proto3\"; message M { int32 a = 0; }", "outside 1 to 536870911"),
            ("syntax = \"proto3\"; message M { int32 a = 536870912; }", "outside 1 to 536870911"),
            ("syntax = \"proto3\"; message M { int32 a = 19500; }", "19000 to 19999"),
            ("syntax = \"proto3\"; message M { reserved 2 to 4; int32 a = 3; }", "reserved number 3"),
            ("syntax = \"proto3\"; message M { reserved \"a\"; int32 a = 3; }", "field name a is reserved"),
            ("syntax = \"proto3\"; message M { Missing a = 1; }", "type \"Missing\" of field a in M is not defined"),
            ("syntax = \"proto3\"; message M { required int32 a = 1; }", "required fields are not allowed in proto3"),
            ("syntax = \"proto3\"; message M { int32 a = 1 [default = 3]; }", "default values are not allowed in proto3"),
            ("syntax = \"proto3\"; enum E { A = 1; }", "first value of enum E must be 0"),
            ("syntax = \"proto3\"; enum E { A = 0; B = 0; }", "allow_alias"),
            ("syntax = \"proto3\"; enum E { A = 0; A = 1; }", "used twice"),
            ("syntax = \"proto3\"; enum E { A = 0; } enum F { A = 0; }", "already defined by enum E"),
            ("syntax = \"proto3\"; enum E { A = 0; reserved 1; B = 1; }", "reserved number 1"),
            ("syntax = \"proto3\"; enum E {}", "at least one value"),
            ("syntax = \"proto3\"; message M { map<float, string> m = 1; }", "map key type float"),
            ("syntax = \"proto3\"; message M { oneof o { map<string, string> m = 1; } }", "cannot be in a oneof"),
            ("syntax = \"proto3\"; message M { oneof o { repeated int32 a = 1; } }", "must not have labels"),
            ("syntax = \"proto3\"; message M { oneof o { } }", "has no fields"),
            ("syntax = \"proto3\"; message M { extensions 100 to 200; }", "extension ranges are not allowed in proto3"),
            ("syntax = \"proto2\"; message M { int32 a = 1; }", "needs a label"),
            ("syntax = \"proto2\"; message M { optional int32 a = 1 [default = \"x\"]; }", "does not match its type"),
            ("syntax = \"proto2\"; message M { optional E e = 1 [default = C]; enum E { A = 1; B = 2; } }", "does not match its type"),
            ("syntax = \"proto2\"; message M { extensions 100 to 200; optional int32 a = 150; }", "extension range"),
            ("message M {} message M {}", "\"M\" is already defined"),
            ("package p; message M { message N {} enum N { X = 0; } }", "\"p.M.N\" is already defined"),
            ("package p; message M { message N {} int32 N = 1; }", "\"N\" is already used by a nested message in message p.M"),
            ("syntax = \"proto3\"; import \"other.proto\"; message M {}", "import \"other.proto\" is neither among the schema's references nor a well-known type"),
            ("syntax = \"proto3\"; message M { google.protobuf.Timestamp t = 1; }", "is not defined"),
            ("syntax = \"proto3\"; extend Nope { int32 x = 1000; }", "message type \"Nope\" is not defined"),
            ("syntax = \"proto3\"; service S { rpc R (Nope) returns (Nope); }", "is not defined"),
            ("edition = \"1999\"; message M {}", "unknown edition"),
        ]
        for (text, expected) in cases {
            let message = error(text)
            XCTAssertTrue(message.contains(expected), "\(text)\n→ \(message)\nexpected to contain: \(expected)")
            XCTAssertTrue(message.hasPrefix("Invalid Protobuf schema: "), message)
        }
    }

    func testImportsComeFromReferencesAndWellKnownTypes() throws {
        let common = ResolvedReference(
            reference: SchemaReference(name: "common/money.proto", subject: "money", version: 2),
            schema: "syntax = \"proto3\"; package common; import \"google/protobuf/wrappers.proto\"; message Money { string currency = 1; google.protobuf.Int64Value units = 2; }")
        let schema = try parse("""
            syntax = "proto3";
            package shop;
            import "common/money.proto";
            import "google/protobuf/any.proto";
            import "google/protobuf/struct.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/empty.proto";
            import "google/protobuf/field_mask.proto";
            import "confluent/meta.proto";
            import "confluent/type/decimal.proto";
            message Price {
              option (confluent.message_meta).doc = "A price";
              common.Money amount = 1 [(confluent.field_meta) = { doc: "amount", params: [{ key: "k", value: "v" }] }];
              google.protobuf.Any extra = 2;
              google.protobuf.Struct attributes = 3;
              google.protobuf.Duration valid_for = 4;
              google.protobuf.FieldMask mask = 5;
              confluent.type.Decimal exact = 6;
              google.protobuf.Value value = 7;
              google.protobuf.NullValue nothing = 8;
            }
            """, [common])
        XCTAssertTrue(schema.normalized().contains(".common.Money amount = 1"), schema.normalized())
        XCTAssertTrue(schema.normalized().contains("option (confluent.message_meta) = {\n    doc: \"A price\"\n  };"), schema.normalized())

        let broken = ResolvedReference(reference: SchemaReference(name: "bad.proto", subject: "bad", version: 1), schema: "message {")
        XCTAssertTrue(error("import \"bad.proto\";", [broken]).hasPrefix("Invalid Protobuf schema: in \"bad.proto\": 1:9:"))
    }

    func testEveryBuiltInFileParsesAndCanBeImported() throws {
        XCTAssertEqual(ProtobufFormat.builtInImportPaths.count, 30)
        XCTAssertTrue(ProtobufFormat.builtInImportPaths.contains("google/type/postal_address.proto"))
        for path in ProtobufFormat.builtInImportPaths {
            XCTAssertNoThrow(try parse("syntax = \"proto3\"; import \"\(path)\"; message M {}"), path)
        }
        XCTAssertNoThrow(try parse("""
            syntax = "proto3";
            import "google/type/datetime.proto";
            import "google/type/money.proto";
            import "google/type/dayofweek.proto";
            import "google/protobuf/api.proto";
            message M { google.type.DateTime at = 1; google.type.Money price = 2; google.type.DayOfWeek day = 3; google.protobuf.Api api = 4; }
            """))
    }

    func testMessageIndexesFollowDeclarationOrder() throws {
        let schema = try parse("""
            syntax = "proto3";
            package p;
            enum E { Z = 0; }
            message A { message A1 {} }
            message B { enum F { Y = 0; } message B1 {} message B2 { message B21 {} } }
            """)
        XCTAssertEqual(schema.messageIndexes(forFullName: "p.A"), [0])
        XCTAssertEqual(schema.messageIndexes(forFullName: "A.A1"), [0, 0])
        XCTAssertEqual(schema.messageIndexes(forFullName: "p.B.B1"), [1, 0])
        XCTAssertEqual(schema.messageIndexes(forFullName: ".p.B.B2.B21"), [1, 1, 0])
        XCTAssertNil(schema.messageIndexes(forFullName: "p.E"))
        XCTAssertNil(schema.messageIndexes(forFullName: "p.C"))
        XCTAssertEqual(schema.messageFullName(forIndexes: []), "p.A")
        XCTAssertEqual(schema.messageFullName(forIndexes: [1, 1, 0]), "p.B.B2.B21")
        XCTAssertNil(schema.messageFullName(forIndexes: [2]))
        XCTAssertNil(schema.messageFullName(forIndexes: [0, -1]))
        XCTAssertEqual(schema.messageFullNames, ["p.A", "p.A.A1", "p.B", "p.B.B1", "p.B.B2", "p.B.B2.B21"])
    }

    func testDispatchThroughSchemaFormats() throws {
        let parsed = try SchemaFormats.parse("syntax = \"proto3\"; message M { int32 a = 1; }", type: .protobuf)
        XCTAssertEqual(parsed.schemaType, .protobuf)
        XCTAssertEqual(parsed.canonicalString, "syntax = \"proto3\";\n\nmessage M {\n  int32 a = 1;\n}\n")
    }
}
