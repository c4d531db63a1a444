import BrookSchemas
import XCTest

/// The verbose compatibility messages, pinned to the exact text Confluent 7.x/8.x answers with
/// (schema-registry's `avro/Difference`, `protobuf/diff/Difference`, `json/diff/Difference` and
/// `SchemaValidatorBuilder`): one row per (old, new, level), the old schema registered as version 1.
/// `OLD` in an expected message stands for the old schema's canonical text.
final class ConfluentMessageTests: XCTestCase {
    private struct Row {
        var name: String
        var old: String
        var new: String
        var level: CompatibilityLevel
        var expected: [String]
    }

    private static let version = "{oldSchemaVersion: 1}"
    private static let oldSchema = "{oldSchema: 'OLD'}"

    private func check(_ rows: [Row], type: SchemaType, file: StaticString = #filePath, line: UInt = #line) throws {
        for row in rows {
            let old = try SchemaFormats.parse(row.old, type: type)
            let new = try SchemaFormats.parse(row.new, type: type)
            let expected = row.expected.map { $0 == Self.oldSchema ? "{oldSchema: '\(old.canonicalString)'}" : $0 }
            let messages = CompatibilityChecker.confluentMessages(new: new, old: old, oldVersion: 1, level: row.level)
            XCTAssertEqual(messages, expected, "\(row.name) at \(row.level.rawValue)", file: file, line: line)
        }
    }

    // MARK: Avro

    private static func record(_ fields: String, name: String = "R") -> String {
        #"{"type":"record","name":"\#(name)","fields":[\#(fields)]}"#
    }

    private static let f1 = #"{"name":"f1","type":"string"}"#
    private static let f2 = #"{"name":"f2","type":"int"}"#

    func testAvroMessages() throws {
        try check([
            Row(name: "compatible", old: Self.record(Self.f1), new: Self.record(Self.f1), level: .fullTransitive, expected: []),
            Row(name: "NONE checks nothing", old: Self.record(Self.f1), new: Self.record(Self.f2), level: .none, expected: []),
            Row(name: "field added without a default", old: Self.record(Self.f1), new: Self.record(Self.f1 + "," + Self.f2), level: .backward, expected: [
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
                Self.version, Self.oldSchema,
            ]),
            Row(name: "field without a default removed", old: Self.record(Self.f1 + "," + Self.f2), new: Self.record(Self.f1), level: .forward, expected: [
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}",
                Self.version, Self.oldSchema,
            ]),
            // FULL names the old schema only after a failing backward check.
            Row(name: "FULL failing forward only", old: Self.record(Self.f1 + "," + Self.f2), new: Self.record(Self.f1), level: .full, expected: [
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}",
            ]),
            Row(name: "FULL failing both ways: forward first", old: Self.record(#"{"name":"f","type":"int"}"#),
                new: Self.record(#"{"name":"f","type":"string"}"#), level: .full, expected: [
                "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}",
                "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
                Self.version, Self.oldSchema,
            ]),
            Row(name: "enum symbol removed", old: #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#,
                new: #"{"type":"enum","name":"E","symbols":["A","B"]}"#, level: .backward, expected: [
                "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema', additionalInfo:'[C]'}",
                Self.version, Self.oldSchema,
            ]),
            Row(name: "record renamed", old: Self.record(Self.f1), new: Self.record(Self.f1, name: "S"), level: .backward, expected: [
                "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: R'}",
                Self.version, Self.oldSchema,
            ]),
            Row(name: "fixed resized", old: #"{"type":"fixed","name":"F","size":4}"#, new: #"{"type":"fixed","name":"F","size":8}"#, level: .backward, expected: [
                "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}",
                Self.version, Self.oldSchema,
            ]),
            Row(name: "union branch removed", old: #"["null","int","string"]"#, new: #"["null","int"]"#, level: .backwardTransitive, expected: [
                "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/2' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}",
                Self.version, Self.oldSchema,
            ]),
            // Java Avro throws on a reader field matching two writer fields; Confluent passes the text on.
            Row(name: "ambiguous alias", old: Self.record(#"{"name":"a","type":"int"},{"name":"b","type":"int"}"#),
                new: Self.record(#"{"name":"a","type":"int","aliases":["b"]}"#), level: .backward, expected: [
                #"Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
                Self.version, Self.oldSchema,
            ]),
        ], type: .avro)
    }

    func testOldSchemaIsTheCanonicalTextAndLongOnesAreCut() throws {
        let old = try SchemaFormats.parse(#"{ "type" : "record", "name" : "R", "fields" : [ {"name":"f1","type":"string"} ] }"#, type: .avro)
        let new = try SchemaFormats.parse(Self.record(Self.f1 + "," + Self.f2), type: .avro)
        XCTAssertEqual(CompatibilityChecker.confluentMessages(new: new, old: old, oldVersion: 3, level: .backward).suffix(2),
                       ["{oldSchemaVersion: 3}", #"{oldSchema: '{"type":"record","name":"R","fields":[{"name":"f1","type":"string"}]}'}"#])
        XCTAssertEqual(CompatibilityChecker.confluentMessages(new: new, old: old, oldVersion: nil, level: .backward).suffix(1),
                       [#"{oldSchema: '{"type":"record","name":"R","fields":[{"name":"f1","type":"string"}]}'}"#])
        // Over 10 KiB (UTF-16 units, as Java counts): the first 10,240 kept, marked as cut.
        let doc = String(repeating: "é", count: 11_000)
        let long = try SchemaFormats.parse(#"{"type":"record","name":"R","doc":"\#(doc)","fields":[\#(Self.f1)]}"#, type: .avro)
        let cut = try XCTUnwrap(CompatibilityChecker.confluentMessages(new: new, old: long, oldVersion: 1, level: .backward).last)
        let kept = String(long.canonicalString.utf16.prefix(10 * 1024))!
        XCTAssertEqual(cut, "{oldSchema: <truncated> '\(kept)...'}")
    }

    func testDifferentSchemaTypes() throws {
        let avro = try SchemaFormats.parse(#""string""#, type: .avro)
        let json = try SchemaFormats.parse(#"{"type":"string"}"#, type: .json)
        for level in CompatibilityLevel.allCases where level != .none {
            XCTAssertEqual(CompatibilityChecker.confluentMessages(new: json, old: avro, oldVersion: 1, level: level),
                           ["Incompatible because of different schema type"])
        }
    }

    func testIssuesWithoutAConfluentSentenceFallBackToTheirDescription() {
        let plain = CompatibilityIssue(errorType: "X", path: "/a", detail: "d")
        XCTAssertEqual(plain.confluentMessage(reader: "new", writer: "old"), "{errorType:'X', description:'d', path:'/a'}")
        let template = ConfluentMessageTemplate(["The ", " reads the ", ""])
        XCTAssertEqual(template.filled("new", "old"), "The new reads the old")
        XCTAssertEqual(template.filled("new"), "The new reads the ")
        XCTAssertEqual(ConfluentMessageTemplate(["no slots"]).filled("new", "old"), "no slots")
    }

    // MARK: Protobuf

    private static func proto(_ body: String, package: String = "pkg3", syntax: String = "proto3") -> String {
        "syntax = \"\(syntax)\";\npackage \(package);\n\n\(body)\n"
    }

    func testProtobufMessages() throws {
        try check([
            // Confluent's own RestApiTest.testIncompatibleSchema pair: messages 0 and 1, then the version at 2.
            Row(name: "scalar kind changed", old: Self.proto("message Schema1 {\n  string f1 = 1;\n  string f2 = 2;\n}"),
                new: Self.proto("message Schema1 {\n  string f1 = 1;\n  int32 f2 = 2;\n}"), level: .full, expected: [
                #"{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Schema1/2' in the old schema does not match its kind in the new schema"}"#,
                #"{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Schema1/2' in the new schema does not match its kind in the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "message removed", old: Self.proto("message A { int32 a = 1; }\nmessage B { int32 b = 1; }"),
                new: Self.proto("message A { int32 a = 1; }"), level: .backward, expected: [
                #"{errorType:"MESSAGE_REMOVED", description:"The new schema is missing a MESSAGE type at path '#/B' in the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "package changed", old: Self.proto("message A { int32 a = 1; }"),
                new: Self.proto("message A { int32 a = 1; }", package: "other"), level: .forward, expected: [
                #"{errorType:"PACKAGE_CHANGED", description:"The package at '#/' in the old schema does not match the package in the new schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "scalar became a message", old: Self.proto("message M { int32 a = 1; }\nmessage N { int32 n = 1; }"),
                new: Self.proto("message M { N a = 1; }\nmessage N { int32 n = 1; }"), level: .backward, expected: [
                #"{errorType:"FIELD_KIND_CHANGED", description:"The type of a field at path '#/M/1' in the new schema does not match the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "required field added (two spaces, as Confluent writes it)", old: Self.proto("message M { required int32 a = 1; }", syntax: "proto2"),
                new: Self.proto("message M { required int32 a = 1; required int32 b = 2; }", syntax: "proto2"), level: .backward, expected: [
                #"{errorType:"REQUIRED_FIELD_ADDED", description:"A required field  at path '#/M/2' in the new schema is missing in the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "required field removed", old: Self.proto("message M { required int32 a = 1; required int32 b = 2; }", syntax: "proto2"),
                new: Self.proto("message M { required int32 a = 1; }", syntax: "proto2"), level: .backward, expected: [
                #"{errorType:"REQUIRED_FIELD_REMOVED", description:"The new schema is missing a required field at path: '#/M/2' in the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "fields moved into a oneof", old: Self.proto("message M { int32 a = 1; int32 b = 2; }"),
                new: Self.proto("message M { oneof o { int32 a = 1; int32 b = 2; } }"), level: .backward, expected: [
                #"{errorType:"MULTIPLE_FIELDS_MOVED_TO_ONEOF", description:"Multiple fields in the oneof at path '#/M/o' in the new schema are outside a oneof in the old schema"}"#,
                Self.version, Self.oldSchema,
            ]),
        ], type: .protobuf)
    }

    // MARK: JSON Schema

    private static func object(_ properties: String, closed: Bool = false, extra: String = "") -> String {
        #"{"type":"object","properties":{\#(properties)}\#(closed ? #","additionalProperties":false"# : "")\#(extra)}"#
    }

    func testJSONSchemaMessages() throws {
        // Confluent's json/diff Difference opens the description with a double quote and closes it with a single one.
        try check([
            // Confluent's own RestApiTest.testIncompatibleSchema pair (FULL): two messages, then the version at 2.
            Row(name: "type changed in a closed model",
                old: #"{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://acme.com/referrer.json","type":"object","properties":{"myField1":{"type":"string"},"myField2":{"type":"number"}},"additionalProperties":false}"#,
                new: #"{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://acme.com/referrer.json","type":"object","properties":{"myField1":{"type":"string"},"myField2":{"type":"string"}},"additionalProperties":false}"#,
                level: .full, expected: [
                #"{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/myField2' is different between the old schema and the new schema'}"#,
                #"{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/myField2' is different between the new schema and the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "keyword added", old: #"{"type":"string"}"#, new: #"{"type":"string","maxLength":3}"#, level: .backward, expected: [
                #"{errorType:"MAX_LENGTH_ADDED", description:"The keyword at path '#/maxLength' in the new schema is not present in the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "value decreased", old: #"{"type":"string","maxLength":10}"#, new: #"{"type":"string","maxLength":5}"#, level: .backward, expected: [
                #"{errorType:"MAX_LENGTH_DECREASED", description:"The value at path '#/maxLength' in the new schema is less than its value in the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "value increased", old: #"{"type":"number","minimum":1}"#, new: #"{"type":"number","minimum":5}"#, level: .backward, expected: [
                #"{errorType:"MINIMUM_INCREASED", description:"The value at path '#/minimum' in the new schema is more than its value in the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "value changed", old: #"{"type":"string","pattern":"a+"}"#, new: #"{"type":"string","pattern":"b+"}"#, level: .backward, expected: [
                #"{errorType:"PATTERN_CHANGED", description:"The value at path '#/pattern' is different between the new and old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "enum narrowed", old: #"{"enum":["a","b","c"]}"#, new: #"{"enum":["a","b"]}"#, level: .backward, expected: [
                #"{errorType:"ENUM_ARRAY_NARROWED", description:"An array or combined type at path '#/enum' has fewer elements in the new schema than the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "property added to a closed model, read by the old one", old: Self.object(#""a":{"type":"string"}"#, closed: true),
                new: Self.object(#""a":{"type":"string"},"b":{"type":"string"}"#, closed: true), level: .forward, expected: [
                #"{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/b' in the new schema'}"#,
                Self.version, Self.oldSchema,
            ]),
            Row(name: "property added to an open model", old: Self.object(#""a":{"type":"string"}"#),
                new: Self.object(#""a":{"type":"string"},"b":{"type":"string"}"#), level: .backward, expected: [
                #"{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/b' which is missing in the old schema'}"#,
                Self.version, Self.oldSchema,
            ]),
        ], type: .json)
    }
}
