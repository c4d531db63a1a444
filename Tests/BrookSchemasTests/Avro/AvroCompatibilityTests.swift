@testable import BrookSchemas
import XCTest

/// Avro's reader/writer resolution rules, one row per schema change: what BACKWARD (the new schema
/// reads the old one's data) and FORWARD (the old schema reads the new one's data) report, as
/// `errorType@path`, plus the levels built on them.
final class AvroCompatibilityTests: XCTestCase {
    private struct Row {
        var change: String
        var old: String
        var new: String
        /// Issues when the new schema reads data written with the old one.
        var backward: [String]
        /// Issues when the old schema reads data written with the new one.
        var forward: [String]
    }

    private static func record(_ fields: String, name: String = "R", extra: String = "") -> String {
        #"{"type":"record","name":"\#(name)"\#(extra),"fields":[\#(fields)]}"#
    }

    private static func field(_ type: String, name: String = "f", extra: String = "") -> String {
        #"{"name":"\#(name)","type":\#(type)\#(extra)}"#
    }

    private static let f1 = field("\"string\"", name: "f1")

    // Rows follow Confluent's schema-evolution summary plus every rule of the spec's resolution section.
    private static let rows: [Row] = [
        Row(change: "no change", old: record(f1), new: record(f1), backward: [], forward: []),
        Row(change: "add a field with a default", old: record(f1), new: record(f1 + "," + field("\"int\"", name: "f2", extra: #","default":0"#)),
            backward: [], forward: []),
        Row(change: "add a field without a default", old: record(f1), new: record(f1 + "," + field("\"int\"", name: "f2")),
            backward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/1"], forward: []),
        Row(change: "delete a field with a default", old: record(f1 + "," + field("\"int\"", name: "f2", extra: #","default":0"#)), new: record(f1),
            backward: [], forward: []),
        Row(change: "delete a field without a default", old: record(f1 + "," + field("\"int\"", name: "f2")), new: record(f1),
            backward: [], forward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/1"]),
        Row(change: "add a default to a field", old: record(f1), new: record(field("\"string\"", name: "f1", extra: #","default":"x""#)),
            backward: [], forward: []),
        Row(change: "reorder fields", old: record(f1 + "," + field("\"int\"", name: "f2")), new: record(field("\"int\"", name: "f2") + "," + f1),
            backward: [], forward: []),
        Row(change: "rename a field without an alias", old: record(f1), new: record(field("\"string\"", name: "g")),
            backward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/0"], forward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/0"]),
        Row(change: "rename a field with an alias", old: record(f1), new: record(field("\"string\"", name: "g", extra: #","aliases":["f1"]"#)),
            backward: [], forward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/0"]),
        Row(change: "rename a field with an alias and a default", old: record(f1),
            new: record(field("\"string\"", name: "g", extra: #","aliases":["f1"],"default":"""#)), backward: [], forward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/0"]),
        Row(change: "widen int to long", old: record(field("\"int\"")), new: record(field("\"long\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "widen int to float", old: record(field("\"int\"")), new: record(field("\"float\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "widen int to double", old: record(field("\"int\"")), new: record(field("\"double\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "widen long to float", old: record(field("\"long\"")), new: record(field("\"float\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "widen long to double", old: record(field("\"long\"")), new: record(field("\"double\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "widen float to double", old: record(field("\"float\"")), new: record(field("\"double\"")),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "string to bytes", old: record(field("\"string\"")), new: record(field("\"bytes\"")), backward: [], forward: []),
        Row(change: "int to string", old: record(field("\"int\"")), new: record(field("\"string\"")),
            backward: ["TYPE_MISMATCH@/fields/0/type"], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "boolean to int", old: record(field("\"boolean\"")), new: record(field("\"int\"")),
            backward: ["TYPE_MISMATCH@/fields/0/type"], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "null to string", old: record(field("\"null\"")), new: record(field("\"string\"")),
            backward: ["TYPE_MISMATCH@/fields/0/type"], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "enum gains a symbol", old: #"{"type":"enum","name":"E","symbols":["A","B"]}"#, new: #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#,
            backward: [], forward: ["MISSING_ENUM_SYMBOLS@/symbols"]),
        Row(change: "enum loses a symbol", old: #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#, new: #"{"type":"enum","name":"E","symbols":["A"]}"#,
            backward: ["MISSING_ENUM_SYMBOLS@/symbols"], forward: []),
        Row(change: "enum loses a symbol, the reader has an enum default",
            old: #"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#, new: #"{"type":"enum","name":"E","symbols":["A"],"default":"A"}"#,
            backward: [], forward: []),
        Row(change: "enum symbols reordered", old: #"{"type":"enum","name":"E","symbols":["A","B"]}"#, new: #"{"type":"enum","name":"E","symbols":["B","A"]}"#,
            backward: [], forward: []),
        Row(change: "union gains a branch", old: record(field(#"["null","string"]"#)), new: record(field(#"["null","string","int"]"#)),
            backward: [], forward: ["MISSING_UNION_BRANCH@/fields/0/type/2"]),
        Row(change: "union loses a branch", old: record(field(#"["null","string","int"]"#)), new: record(field(#"["null","string"]"#)),
            backward: ["MISSING_UNION_BRANCH@/fields/0/type/2"], forward: []),
        Row(change: "union branches reordered", old: record(field(#"["null","string"]"#)), new: record(field(#"["string","null"]"#)),
            backward: [], forward: []),
        Row(change: "type becomes a union containing it", old: record(field("\"string\"")), new: record(field(#"["null","string"]"#)),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "type becomes a union without it", old: record(field("\"int\"")), new: record(field(#"["null","string"]"#)),
            backward: ["MISSING_UNION_BRANCH@/fields/0/type"], forward: ["TYPE_MISMATCH@/fields/0/type", "TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "union of promotable branches read as one wider type", old: record(field(#"["int","long"]"#)), new: record(field("\"double\"")),
            backward: [], forward: ["MISSING_UNION_BRANCH@/fields/0/type"]),
        Row(change: "rename the record", old: record(f1, name: "R"), new: record(f1, name: "S"),
            backward: ["NAME_MISMATCH@/name"], forward: ["NAME_MISMATCH@/name"]),
        Row(change: "rename the record with an alias", old: record(f1, name: "a.R"), new: record(f1, name: "a.S", extra: #","aliases":["R"]"#),
            backward: [], forward: ["NAME_MISMATCH@/name"]),
        Row(change: "change the namespace", old: record(f1, name: "R", extra: #","namespace":"a""#), new: record(f1, name: "R", extra: #","namespace":"b""#),
            backward: [], forward: []),
        Row(change: "fixed size changes", old: #"{"type":"fixed","name":"F","size":4}"#, new: #"{"type":"fixed","name":"F","size":8}"#,
            backward: ["FIXED_SIZE_MISMATCH@/size"], forward: ["FIXED_SIZE_MISMATCH@/size"]),
        Row(change: "fixed renamed", old: #"{"type":"fixed","name":"F","size":4}"#, new: #"{"type":"fixed","name":"G","size":4}"#,
            backward: ["NAME_MISMATCH@/name"], forward: ["NAME_MISMATCH@/name"]),
        Row(change: "array items widen", old: #"{"type":"array","items":"int"}"#, new: #"{"type":"array","items":"long"}"#,
            backward: [], forward: ["TYPE_MISMATCH@/items"]),
        Row(change: "map values widen", old: #"{"type":"map","values":"float"}"#, new: #"{"type":"map","values":"double"}"#,
            backward: [], forward: ["TYPE_MISMATCH@/values"]),
        Row(change: "array becomes a map", old: #"{"type":"array","items":"int"}"#, new: #"{"type":"map","values":"int"}"#,
            backward: ["TYPE_MISMATCH@/"], forward: ["TYPE_MISMATCH@/"]),
        Row(change: "nested record gains a field without a default",
            old: record(field(record(field("\"int\"", name: "a"), name: "In"))),
            new: record(field(record(field("\"int\"", name: "a") + "," + field("\"int\"", name: "b"), name: "In"))),
            backward: ["READER_FIELD_MISSING_DEFAULT_VALUE@/fields/0/type/fields/1"], forward: []),
        Row(change: "recursive list widens its value",
            old: record(field("\"int\"", name: "v") + "," + field(#"["null","Node"]"#, name: "next"), name: "Node"),
            new: record(field("\"long\"", name: "v") + "," + field(#"["null","Node"]"#, name: "next"), name: "Node"),
            backward: [], forward: ["TYPE_MISMATCH@/fields/0/type"]),
        Row(change: "recursive list gains a field with a default",
            old: record(field("\"int\"", name: "v") + "," + field(#"["null","Node"]"#, name: "next"), name: "Node"),
            new: record(field("\"int\"", name: "v") + "," + field(#"["null","Node"]"#, name: "next") + "," + field("\"int\"", name: "w", extra: #","default":1"#), name: "Node"),
            backward: [], forward: []),
        Row(change: "a missing field of an enum type with an enum default but no field default",
            old: record(f1), new: record(f1 + "," + field(#"{"type":"enum","name":"E","symbols":["A"],"default":"A"}"#, name: "e")),
            backward: ["TYPE_MISMATCH@/fields/1/type"], forward: []),
    ]

    private func issues(_ reader: AvroSchema, _ writer: AvroSchema) -> [String] {
        reader.incompatibilities(readingDataWrittenWith: writer).map { "\($0.kind.rawValue)@\($0.location)" }
    }

    func testEverySchemaChangeRow() throws {
        for row in Self.rows {
            let old = try AvroSchema.parse(row.old)
            let new = try AvroSchema.parse(row.new)
            XCTAssertEqual(issues(new, old), row.backward, "BACKWARD: \(row.change)")
            XCTAssertEqual(issues(old, new), row.forward, "FORWARD: \(row.change)")
            XCTAssertEqual(issues(new, new), [], "a schema reads its own data: \(row.change)")
        }
    }

    func testLevelsCombineTheTwoDirections() throws {
        for row in Self.rows {
            let old = try AvroSchema.parse(row.old)
            let new = try AvroSchema.parse(row.new)
            func compatible(_ level: CompatibilityLevel) -> Bool {
                CompatibilityChecker.issues(new: new, previous: [old], level: level).isEmpty
            }
            XCTAssertEqual(compatible(.backward), row.backward.isEmpty, row.change)
            XCTAssertEqual(compatible(.forward), row.forward.isEmpty, row.change)
            XCTAssertEqual(compatible(.full), row.backward.isEmpty && row.forward.isEmpty, row.change)
            XCTAssertTrue(compatible(.none), row.change)
        }
    }

    func testRemovingADefaultIsCompatibleButNotTransitively() throws {
        // Confluent's AvroCompatibilityTest schemas 1, 2 and 3.
        let v1 = try AvroSchema.parse(Self.record(Self.f1))
        let v2 = try AvroSchema.parse(Self.record(Self.f1 + "," + Self.field("\"string\"", name: "f2", extra: #","default":"foo""#)))
        let v3 = try AvroSchema.parse(Self.record(Self.f1 + "," + Self.field("\"string\"", name: "f2")))
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backward), [])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backwardTransitive).map(\.errorType),
                       ["READER_FIELD_MISSING_DEFAULT_VALUE"])
    }

    func testMessagesReadLikeConfluents() throws {
        let old = try AvroSchema.parse(Self.record(Self.f1))
        let new = try AvroSchema.parse(Self.record(Self.f1 + "," + Self.field("\"int\"", name: "f2")))
        let issue = try XCTUnwrap(new.incompatibilities(readingDataWrittenWith: old).first)
        XCTAssertEqual(issue.confluentMessage(reader: "new", writer: "old"),
                       "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}")
        let generic = new.compatibilityIssues(readingDataWrittenWith: old)
        XCTAssertEqual(generic.map { [$0.errorType, $0.path, $0.detail] }, [["READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1",
                                                                           "The field 'f2' at path '/fields/1' in the reader schema has no default value and is missing in the writer schema"]])
        XCTAssertEqual(generic.first?.confluentMessage(reader: "old", writer: "new"),
                       "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}")
        let enumIssue = try XCTUnwrap(try AvroSchema.parse(#"{"type":"enum","name":"E","symbols":["A"]}"#)
            .incompatibilities(readingDataWrittenWith: AvroSchema.parse(#"{"type":"enum","name":"E","symbols":["C","A","B"]}"#)).first)
        XCTAssertEqual(enumIssue.message, "[B, C]")
        let typeIssue = try XCTUnwrap(try AvroSchema.parse(#""int""#).incompatibilities(readingDataWrittenWith: AvroSchema.parse(#""string""#)).first)
        XCTAssertEqual(typeIssue.message, "reader type: INT not compatible with writer type: STRING")
    }

    func testAReaderFieldMatchingTwoWriterFieldsIsIncompatible() throws {
        let writer = try AvroSchema.parse(Self.record(Self.field("\"int\"", name: "a") + "," + Self.field("\"int\"", name: "b")))
        let reader = try AvroSchema.parse(Self.record(Self.field("\"int\"", name: "a", extra: #","aliases":["b"]"#)))
        XCTAssertEqual(issues(reader, writer), ["AMBIGUOUS_FIELD_ALIAS@/fields/0"])
    }

    func testMutuallyRecursiveTypesOfDifferentShapesAreCompared() throws {
        // Cycles of two and three records; a failing union branch is reported once, at the outer
        // writer branch (Java Avro drops the nested detail).
        let a = #"{"type":"record","name":"A","fields":[{"name":"next","type":["null",{"type":"record","name":"B","fields":[{"name":"next","type":["null","A"]}]}]}]}"#
        let c = #"{"type":"record","name":"A","fields":[{"name":"next","type":["null",{"type":"record","name":"B","fields":[{"name":"next","type":["null",{"type":"record","name":"C","fields":[{"name":"next","type":["null","A"]}]}]}]}]}]}"#
        let first = try AvroSchema.parse(a), second = try AvroSchema.parse(c)
        XCTAssertEqual(issues(first, second), ["MISSING_UNION_BRANCH@/fields/0/type/1"])
        XCTAssertEqual(issues(second, first), ["MISSING_UNION_BRANCH@/fields/0/type/1"])
        XCTAssertEqual(issues(second, second), [])
    }

    func testReferencedTypesTakePartInTheCheck() throws {
        let ref = { (symbols: String) in
            ResolvedReference(reference: SchemaReference(name: "E", subject: "e", version: 1),
                              schema: #"{"type":"enum","name":"E","symbols":\#(symbols)}"#)
        }
        let text = Self.record(Self.field("\"E\""))
        let old = try AvroSchema.parse(text, references: [ref(#"["A","B"]"#)])
        let new = try AvroSchema.parse(text, references: [ref(#"["A"]"#)])
        XCTAssertEqual(old.canonicalString, new.canonicalString, "same text, different referenced types")
        XCTAssertEqual(issues(new, old), ["MISSING_ENUM_SYMBOLS@/fields/0/type/symbols"])
    }
}
