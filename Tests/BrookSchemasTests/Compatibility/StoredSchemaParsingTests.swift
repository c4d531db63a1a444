import BrookSchemas
import XCTest

/// Schemas already registered parse as Confluent parses them (`validateAsNew` off): Avro defaults
/// are not checked against their types; everything else is.
final class StoredSchemaParsingTests: XCTestCase {
    // Confluent's AvroCompatibilityTest.badDefaultNullString: "null" (a string) for a union whose first branch is null.
    private static let badDefault = #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":"null"}]}"#

    func testABadAvroDefaultFailsOnlyForNewSchemas() throws {
        XCTAssertThrowsError(try SchemaFormats.parse(Self.badDefault, type: .avro)) { error in
            XCTAssertTrue("\(error)".contains("f1"), "\(error)")
        }
        let stored = try SchemaFormats.parse(Self.badDefault, type: .avro, validatingNewSchema: false)
        XCTAssertEqual(stored.canonicalString, #"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":["null","string"],"default":"null"}]}"#)
        // A stored schema with a bad default still takes part in compatibility checks.
        let next = try SchemaFormats.parse(
            #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":null},{"name":"f2","type":"int"}]}"#, type: .avro)
        XCTAssertEqual(CompatibilityChecker.confluentMessages(new: next, old: stored, oldVersion: 1, level: .backward).first,
                       "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}")
        XCTAssertEqual(CompatibilityChecker.confluentMessages(new: stored, old: stored, oldVersion: 1, level: .full), [])
    }

    func testABadDefaultInAReferenceFailsForANewSchemaAsWell() throws {
        // Confluent parses references with the new schema's parser, defaults checked.
        let reference = ResolvedReference(reference: SchemaReference(name: "myrecord", subject: "r", version: 1), schema: Self.badDefault)
        let text = #"{"type":"record","name":"Outer","fields":[{"name":"inner","type":"myrecord"}]}"#
        XCTAssertThrowsError(try SchemaFormats.parse(text, type: .avro, references: [reference]))
        XCTAssertNoThrow(try SchemaFormats.parse(text, type: .avro, references: [reference], validatingNewSchema: false))
    }

    func testEverythingButAvroDefaultsIsCheckedEitherWay() {
        let invalid: [(String, SchemaType)] = [
            (#"{"type":"record","name":"1R","fields":[]}"#, .avro),
            (#"{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}"#, .avro),
            (#"{"type":"enum","name":"E","symbols":["A","A"]}"#, .avro),
            (#""Nope""#, .avro),
            ("syntax = \"proto3\";\nmessage M { Nope a = 1; }", .protobuf),
            ("message M {", .protobuf),
            (#"{"type":"nope"}"#, .json),
            ("{", .json),
        ]
        for (text, type) in invalid {
            XCTAssertThrowsError(try SchemaFormats.parse(text, type: type), text)
            XCTAssertThrowsError(try SchemaFormats.parse(text, type: type, validatingNewSchema: false), text)
        }
    }
}
