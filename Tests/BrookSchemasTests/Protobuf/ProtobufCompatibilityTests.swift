import BrookSchemas
import XCTest

/// Confluent's Protobuf rules, one row per schema change: (old, new, level) → the error types found.
final class ProtobufCompatibilityTests: XCTestCase {
    private struct Row {
        var name: String
        var old: String
        var new: String
        var level: CompatibilityLevel
        /// "ERROR_TYPE" or "ERROR_TYPE@#/path"; empty means compatible.
        var expected: [String]
        var syntax = "proto3"
    }

    private func schema(_ body: String, syntax: String, references: [ResolvedReference] = []) throws -> ProtobufSchema {
        try ProtobufSchema(text: "syntax = \"\(syntax)\";\n" + body, references: references)
    }

    private func check(_ rows: [Row], file: StaticString = #filePath, line: UInt = #line) throws {
        for row in rows {
            let old = try schema(row.old, syntax: row.syntax)
            let new = try schema(row.new, syntax: row.syntax)
            let issues = CompatibilityChecker.issues(new: new, previous: [old], level: row.level)
            let found = issues.map { issue in
                row.expected.contains { $0.contains("@") } ? "\(issue.errorType)@\(issue.path)" : issue.errorType
            }
            XCTAssertEqual(Set(found), Set(row.expected), "\(row.name) at \(row.level.rawValue): \(issues)", file: file, line: line)
            for issue in issues {
                XCTAssertFalse(issue.detail.isEmpty)
                XCTAssertTrue(issue.path.hasPrefix("#/"), issue.path)
            }
        }
    }

    func testFieldChanges() throws {
        try check([
            Row(name: "add a field", old: "message M { int32 a = 1; }", new: "message M { int32 a = 1; string b = 2; }", level: .full, expected: []),
            Row(name: "remove a field", old: "message M { int32 a = 1; string b = 2; }", new: "message M { int32 a = 1; }", level: .full, expected: []),
            Row(name: "rename a field", old: "message M { int32 a = 1; }", new: "message M { int32 renamed = 1; }", level: .full, expected: []),
            Row(name: "renumber a field", old: "message M { int32 a = 1; }", new: "message M { int32 a = 2; }", level: .full, expected: []),
            Row(name: "int32 to int64", old: "message M { int32 a = 1; }", new: "message M { int64 a = 1; }", level: .full, expected: []),
            Row(name: "uint64 to bool", old: "message M { uint64 a = 1; }", new: "message M { bool a = 1; }", level: .full, expected: []),
            Row(name: "sint32 to sint64", old: "message M { sint32 a = 1; }", new: "message M { sint64 a = 1; }", level: .full, expected: []),
            Row(name: "int32 to sint32", old: "message M { int32 a = 1; }", new: "message M { sint32 a = 1; }", level: .backward,
                expected: ["FIELD_SCALAR_KIND_CHANGED@#/M/1"]),
            Row(name: "string to bytes", old: "message M { string a = 1; }", new: "message M { bytes a = 1; }", level: .full, expected: []),
            Row(name: "string to int32", old: "message M { string a = 1; }", new: "message M { int32 a = 1; }", level: .forward,
                expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "fixed32 to sfixed32", old: "message M { fixed32 a = 1; }", new: "message M { sfixed32 a = 1; }", level: .full, expected: []),
            Row(name: "fixed64 to sfixed64", old: "message M { fixed64 a = 1; }", new: "message M { sfixed64 a = 1; }", level: .full, expected: []),
            Row(name: "fixed32 to fixed64", old: "message M { fixed32 a = 1; }", new: "message M { fixed64 a = 1; }", level: .backward,
                expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "float to double", old: "message M { float a = 1; }", new: "message M { double a = 1; }", level: .backward,
                expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "int32 to fixed32", old: "message M { int32 a = 1; }", new: "message M { fixed32 a = 1; }", level: .backward,
                expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "int32 to enum", old: "message M { int32 a = 1; } enum E { Z = 0; }", new: "message M { E a = 1; } enum E { Z = 0; }",
                level: .full, expected: []),
            Row(name: "enum to string", old: "message M { E a = 1; } enum E { Z = 0; }", new: "message M { string a = 1; } enum E { Z = 0; }",
                level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "scalar to message", old: "message M { int32 a = 1; } message N {}", new: "message M { N a = 1; } message N {}",
                level: .backward, expected: ["FIELD_KIND_CHANGED@#/M/1"]),
            Row(name: "message to map", old: "message M { N a = 1; } message N {}", new: "message M { map<string, N> a = 1; } message N {}",
                level: .forward, expected: ["FIELD_KIND_CHANGED"]),
            Row(name: "map value widened", old: "message M { map<string, int32> a = 1; }", new: "message M { map<string, int64> a = 1; }",
                level: .full, expected: []),
            Row(name: "map key changed", old: "message M { map<string, string> a = 1; }", new: "message M { map<int32, string> a = 1; }",
                level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED"]),
            Row(name: "message type renamed", old: "message M { A a = 1; } message A { int32 x = 1; } message B { int32 x = 1; }",
                new: "message M { B a = 1; } message A { int32 x = 1; } message B { int32 x = 1; }",
                level: .backward, expected: ["FIELD_NAMED_TYPE_CHANGED@#/M/1"]),
            Row(name: "short and full type names", old: "message M { A a = 1; } message A {}", new: "message M { .M.A a = 1; message A {} }",
                level: .backward, expected: ["FIELD_NAMED_TYPE_CHANGED", "MESSAGE_REMOVED"]),
            Row(name: "same type, qualified", old: "message M { A a = 1; } message A {}", new: "message M { .A a = 1; } message A {}",
                level: .full, expected: []),
            Row(name: "proto3 implicit to repeated (Confluent ignores implicit labels)", old: "message M { int32 a = 1; }",
                new: "message M { repeated int32 a = 1; }", level: .full, expected: []),
            Row(name: "proto3 optional to repeated", old: "message M { optional int32 a = 1; }",
                new: "message M { repeated int32 a = 1; }", level: .backward, expected: ["FIELD_NUMERIC_LABEL_CHANGED"]),
            Row(name: "recursive type gains a field", old: "message Tree { repeated Tree children = 1; }",
                new: "message Tree { repeated Tree children = 1; string label = 2; }", level: .full, expected: []),
            Row(name: "recursive type changes a field", old: "message Tree { repeated Tree children = 1; int32 v = 2; }",
                new: "message Tree { repeated Tree children = 1; string v = 2; }", level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED@#/Tree/2"]),
        ])
    }

    func testProto2Labels() throws {
        try check([
            Row(name: "add required", old: "message M { optional int32 a = 1; }", new: "message M { optional int32 a = 1; required int32 b = 2; }",
                level: .backward, expected: ["REQUIRED_FIELD_ADDED@#/M/2"], syntax: "proto2"),
            Row(name: "add required, forward", old: "message M { optional int32 a = 1; }", new: "message M { optional int32 a = 1; required int32 b = 2; }",
                level: .forward, expected: ["REQUIRED_FIELD_REMOVED@#/M/2"], syntax: "proto2"),
            Row(name: "add required, full", old: "message M { optional int32 a = 1; }", new: "message M { optional int32 a = 1; required int32 b = 2; }",
                level: .full, expected: ["REQUIRED_FIELD_ADDED", "REQUIRED_FIELD_REMOVED"], syntax: "proto2"),
            Row(name: "remove required", old: "message M { required int32 a = 1; }", new: "message M { }",
                level: .backward, expected: ["REQUIRED_FIELD_REMOVED"], syntax: "proto2"),
            Row(name: "add optional", old: "message M { required int32 a = 1; }", new: "message M { required int32 a = 1; optional string b = 2; }",
                level: .full, expected: [], syntax: "proto2"),
            Row(name: "optional to repeated number", old: "message M { optional int32 a = 1; }", new: "message M { repeated int32 a = 1; }",
                level: .backward, expected: ["FIELD_NUMERIC_LABEL_CHANGED"], syntax: "proto2"),
            Row(name: "optional to required number", old: "message M { optional int64 a = 1; }", new: "message M { required int64 a = 1; }",
                level: .backward, expected: ["FIELD_NUMERIC_LABEL_CHANGED"], syntax: "proto2"),
            Row(name: "optional to repeated string", old: "message M { optional string a = 1; }", new: "message M { repeated string a = 1; }",
                level: .full, expected: [], syntax: "proto2"),
            Row(name: "optional to repeated enum", old: "message M { optional E a = 1; } enum E { Z = 0; }",
                new: "message M { repeated E a = 1; } enum E { Z = 0; }", level: .backward, expected: ["FIELD_NUMERIC_LABEL_CHANGED"], syntax: "proto2"),
            Row(name: "optional to repeated message", old: "message M { optional N a = 1; } message N {}",
                new: "message M { repeated N a = 1; } message N {}", level: .full, expected: [], syntax: "proto2"),
        ])
    }

    func testOneofChanges() throws {
        try check([
            Row(name: "add a oneof member", old: "message M { oneof o { int32 a = 1; } }", new: "message M { oneof o { int32 a = 1; string b = 2; } }",
                level: .backward, expected: []),
            Row(name: "remove a oneof member", old: "message M { oneof o { int32 a = 1; string b = 2; } }", new: "message M { oneof o { int32 a = 1; } }",
                level: .backward, expected: ["ONEOF_FIELD_REMOVED@#/M/o/2"]),
            Row(name: "remove a whole oneof", old: "message M { int32 x = 9; oneof o { int32 a = 1; string b = 2; } }", new: "message M { int32 x = 9; }",
                level: .full, expected: []),
            Row(name: "add a oneof", old: "message M { int32 x = 9; }", new: "message M { int32 x = 9; oneof o { int32 a = 1; } }",
                level: .backward, expected: []),
            Row(name: "move one field into a new oneof", old: "message M { int32 a = 1; }", new: "message M { oneof o { int32 a = 1; } }",
                level: .backward, expected: []),
            Row(name: "move two fields into a new oneof", old: "message M { int32 a = 1; string b = 2; }",
                new: "message M { oneof o { int32 a = 1; string b = 2; } }", level: .backward, expected: ["MULTIPLE_FIELDS_MOVED_TO_ONEOF@#/M/o"]),
            Row(name: "move a field into an existing oneof", old: "message M { int32 a = 1; oneof o { string b = 2; } }",
                new: "message M { oneof o { int32 a = 1; string b = 2; } }", level: .backward, expected: ["FIELD_MOVED_TO_EXISTING_ONEOF@#/M/o"]),
            Row(name: "merge two oneofs", old: "message M { oneof o { int32 a = 1; } oneof p { string b = 2; } }",
                new: "message M { oneof o { int32 a = 1; string b = 2; } }", level: .backward, expected: ["FIELD_MOVED_TO_EXISTING_ONEOF"]),
            Row(name: "move a field out of a oneof", old: "message M { oneof o { int32 a = 1; string b = 2; } }",
                new: "message M { int32 a = 1; oneof o { string b = 2; } }", level: .backward, expected: []),
            Row(name: "rename a oneof", old: "message M { oneof o { int32 a = 1; string b = 2; } }", new: "message M { oneof renamed { int32 a = 1; string b = 2; } }",
                level: .full, expected: []),
            Row(name: "change a oneof member's type", old: "message M { oneof o { int32 a = 1; string b = 2; } }",
                new: "message M { oneof o { int32 a = 1; double b = 2; } }", level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED@#/M/o/2"]),
            Row(name: "type change hidden by a move", old: "message M { oneof o { string b = 2; } }", new: "message M { int64 b = 2; }",
                level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED@#/M/2"]),
        ])
    }

    func testMessageEnumAndPackageChanges() throws {
        try check([
            Row(name: "remove a message", old: "message M {} message N {}", new: "message M {}", level: .backward, expected: ["MESSAGE_REMOVED@#/N"]),
            Row(name: "remove a message, forward", old: "message M {} message N {}", new: "message M {}", level: .forward, expected: []),
            Row(name: "add a message, forward", old: "message M {}", new: "message M {} message N {}", level: .forward, expected: ["MESSAGE_REMOVED@#/N"]),
            Row(name: "remove a nested message", old: "message M { message N {} }", new: "message M {}", level: .backward,
                expected: ["MESSAGE_REMOVED@#/M/N"]),
            Row(name: "reorder messages", old: "message M { int32 a = 1; } message N {}", new: "message N {} message M { int32 a = 1; }",
                level: .full, expected: []),
            Row(name: "nested field change", old: "message M { message N { int32 a = 1; } }", new: "message M { message N { string a = 1; } }",
                level: .backward, expected: ["FIELD_SCALAR_KIND_CHANGED@#/M/N/1"]),
            Row(name: "add, remove and rename enum values", old: "enum E { A = 0; B = 1; C = 2; }", new: "enum E { A = 0; BEE = 1; D = 3; }",
                level: .full, expected: []),
            Row(name: "remove an enum", old: "message M {} enum E { A = 0; }", new: "message M {}", level: .full, expected: []),
            Row(name: "change the package", old: "package a; message M {}", new: "package b; message M {}", level: .backward,
                expected: ["PACKAGE_CHANGED@#/"]),
            Row(name: "add a package", old: "message M {}", new: "package b; message M {}", level: .forward, expected: ["PACKAGE_CHANGED"]),
            Row(name: "comments, options and layout", old: "message M { int32 a = 1; }",
                new: "// doc\noption java_package = \"x\";\nmessage M {\n  int32 a = 1 [deprecated = true];\n}", level: .fullTransitive, expected: []),
        ])
    }

    func testTransitiveLevelsCompareWithEveryVersion() throws {
        let v1 = try schema("message M { int32 a = 1; }", syntax: "proto3")
        let v2 = try schema("message M { }", syntax: "proto3")
        let v3 = try schema("message M { string a = 1; }", syntax: "proto3")
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backward), [])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backwardTransitive).map(\.errorType), ["FIELD_SCALAR_KIND_CHANGED"])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .forwardTransitive).map(\.errorType), ["FIELD_SCALAR_KIND_CHANGED"])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .none), [])
    }

    func testReferencedTypesCompareByContentAcrossVersions() throws {
        func money(_ version: Int, unitsType: String) -> ResolvedReference {
            ResolvedReference(reference: SchemaReference(name: "money.proto", subject: "money", version: version),
                              schema: "syntax = \"proto3\"; package common; message Money { string currency = 1; \(unitsType) units = 2; }")
        }
        let body = "import \"money.proto\"; package shop; message Price { common.Money amount = 1; }"
        let v1 = try schema(body, syntax: "proto3", references: [money(1, unitsType: "int64")])
        let widened = try schema(body, syntax: "proto3", references: [money(2, unitsType: "int32")])
        let broken = try schema(body, syntax: "proto3", references: [money(3, unitsType: "string")])
        XCTAssertEqual(widened.compatibilityIssues(readingDataWrittenWith: v1), [])
        let issues = broken.compatibilityIssues(readingDataWrittenWith: v1)
        XCTAssertEqual(Set(issues.map { "\($0.errorType)@\($0.path)" }), ["FIELD_SCALAR_KIND_CHANGED@#/Money/2", "FIELD_NAMED_TYPE_CHANGED@#/Price/1"])
        // The same subject version cannot differ, so it is not compared again.
        XCTAssertEqual(v1.compatibilityIssues(readingDataWrittenWith: v1), [])
    }

    func testOtherSchemaTypesAreATypeMismatch() throws {
        struct Other: ParsedSchema {
            var schemaType: SchemaType { .avro }
            var canonicalString: String { "\"int\"" }
            func normalized() -> String { canonicalString }
            func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] { [] }
        }
        let proto = try schema("message M {}", syntax: "proto3")
        XCTAssertEqual(proto.compatibilityIssues(readingDataWrittenWith: Other()).map(\.errorType), ["TYPE_MISMATCH"])
    }
}
