@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

/// With the real parsers: schemas read back from `_schemas` are parsed as Confluent parses stored
/// ones (no check of Avro defaults), new registrations still are checked, and the verbose
/// compatibility messages read exactly as Confluent's.
final class RegistryStoredSchemaTests: XCTestCase {
    // Accepted by Confluent before it validated defaults (its AvroCompatibilityTest.badDefaultNullString).
    private static let badDefault = #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":"null"}]}"#

    private func replayedState() -> StateHarness {
        var h = StateHarness(state: RegistryState())
        let value = SchemaRecordValue(subject: "legacy", version: 1, id: 7, schemaType: .avro, references: [], schema: Self.badDefault, deleted: false)
        let record = SchemaRecordCodec.encode(.schema(subject: "legacy", version: 1, value: value))
        h.log.append(record)
        h.state.apply(record)
        return h
    }

    func testARecordWithABadDefaultReplaysAndIsServedWithItsID() throws {
        var h = replayedState()
        XCTAssertEqual(h.state.skippedRecords, 0)
        XCTAssertEqual(try h.state.schema(id: 7).schema, Self.badDefault)
        XCTAssertNotNil(h.state.parsedByID[7], "parsed as a stored schema, so compatibility checks can use it")
        // Looking it up does not validate it as new (Confluent's lookUpSchemaUnderSubject).
        XCTAssertEqual(try h.state.lookup(subject: "legacy", request: RegisterRequest(schema: Self.badDefault), normalize: false, includeDeleted: false).id, 7)
        // Registering the text anew validates it: 42201, also under the subject that holds it.
        assertRegistryError(42201) { () throws(RegistryError) in try h.register("other", Self.badDefault) }
        assertRegistryError(42201) { () throws(RegistryError) in try h.register("legacy", Self.badDefault) }
        // A later version is checked against it with Confluent's messages.
        let next = #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":null},{"name":"f2","type":"int"}]}"#
        let result = try h.state.checkCompatibility(subject: "legacy", version: .latest, request: RegisterRequest(schema: next), normalize: false, verbose: true)
        XCTAssertEqual(result.messages, [
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
            // Confluent quotes the old schema's canonical text (Java Avro's toString), not the stored text.
            "{oldSchemaVersion: 1}", #"{oldSchema: '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":["null","string"],"default":"null"}]}'}"#,
            "{validateFields: 'false', compatibility: 'BACKWARD'}",
        ])
        let fixed = #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":null}]}"#
        XCTAssertEqual(try h.register("legacy", fixed).version, 2)
        // A fresh registry replaying the whole log reaches the same state.
        var fresh = RegistryState()
        for record in h.log { fresh.apply(record) }
        XCTAssertEqual(fresh.skippedRecords, 0)
        XCTAssertEqual(try fresh.versionNumbers(subject: "legacy"), [1, 2])
        XCTAssertEqual(try fresh.schema(id: 7).schema, Self.badDefault)
    }

    func testImportWithAnIDSkipsDefaultValidationAsConfluentDoes() throws {
        var h = StateHarness(state: RegistryState())
        try h.run { s throws(RegistryError) in try s.setMode(subject: nil, mode: .import, force: false) }
        XCTAssertEqual(try h.run { s throws(RegistryError) in
            try s.register(subject: "a", request: RegisterRequest(schema: Self.badDefault, id: 42, version: 1), normalize: false)
        }, RegisterResult(id: 42, version: 1))
    }

    func testFullMessagesNameTheOldSchemaAfterTheBackwardOnes() throws {
        var h = StateHarness(state: RegistryState())
        try h.run { s throws(RegistryError) in try s.setConfig(subject: nil, compatibility: .full, otherMembers: .object([])) }
        let v1 = "syntax = \"proto3\";\npackage pkg3;\n\nmessage Schema1 {\n  string f1 = 1;\n  string f2 = 2;\n}\n"
        try h.register("p", v1, type: .protobuf)
        let v2 = "syntax = \"proto3\";\npackage pkg3;\n\nmessage Schema1 {\n  string f1 = 1;\n  int32 f2 = 2;\n}\n"
        let result = try h.state.checkCompatibility(subject: "p", version: .number(1), request: RegisterRequest(schema: v2, schemaType: .protobuf),
                                                    normalize: false, verbose: true)
        XCTAssertFalse(result.isCompatible)
        // As Confluent's protobuf RestApiTest.testIncompatibleSchema reads them: version at 2, schema at 3, level at 4.
        XCTAssertEqual(result.messages.count, 5)
        XCTAssertEqual(result.messages[0], #"{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Schema1/2' in the old schema does not match its kind in the new schema"}"#)
        XCTAssertEqual(result.messages[1], #"{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Schema1/2' in the new schema does not match its kind in the old schema"}"#)
        XCTAssertEqual(result.messages[2], "{oldSchemaVersion: 1}")
        XCTAssertEqual(result.messages[3], "{oldSchema: '\(try h.state.schema(id: 1).schema)'}")
        XCTAssertEqual(result.messages[4], "{validateFields: 'false', compatibility: 'FULL'}")
    }
}
