@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

final class SchemaRecordCodecTests: XCTestCase {
    private func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    private func decode(_ key: String, _ value: String?) throws -> SchemaRegistryRecord {
        try SchemaRecordCodec.decode(key: Array(key.utf8), value: value.map { Array($0.utf8) })
    }

    func testWritesKeysInConfluentsCanonicalForm() {
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .schema(subject: "s", version: 3))),
                       #"{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .config(subject: nil))), #"{"keytype":"CONFIG","magic":0}"#, "Confluent omits a null subject")
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .mode(subject: nil))), #"{"keytype":"MODE","magic":0}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .config(subject: "s"))), #"{"keytype":"CONFIG","subject":"s","magic":0}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .mode(subject: "s"))), #"{"keytype":"MODE","subject":"s","magic":0}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .deleteSubject(subject: "s"))),
                       #"{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(key: .noop)), #"{"keytype":"NOOP","magic":0}"#)
    }

    func testWritesSchemaValuesOmittingAvroTypeAndEmptyReferences() {
        let avro = SchemaRecordValue(subject: "s", version: 1, id: 7, schemaType: .avro, references: [], schema: "\"int\"", deleted: false)
        XCTAssertEqual(text(SchemaRecordCodec.encode(.schema(subject: "s", version: 1, value: avro)).value),
                       #"{"subject":"s","version":1,"id":7,"schema":"\"int\"","deleted":false}"#)
        let proto = SchemaRecordValue(
            subject: "p", version: 2, id: 8, schemaType: .protobuf, references: [SchemaReference(name: "a.proto", subject: "a", version: 1)],
            schema: "syntax = \"proto3\";", deleted: true, otherMembers: .object([("metadata", .object([("properties", .object([("o", .string("x"))]))]))]))
        XCTAssertEqual(text(SchemaRecordCodec.encode(.schema(subject: "p", version: 2, value: proto)).value),
                       #"{"subject":"p","version":2,"id":8,"schemaType":"PROTOBUF","references":[{"name":"a.proto","subject":"a","version":1}],"metadata":{"properties":{"o":"x"}},"schema":"syntax = \"proto3\";","deleted":true}"#)
        XCTAssertNil(SchemaRecordCodec.encode(.schema(subject: "p", version: 2, value: nil)).value, "permanent delete is a tombstone")
    }

    func testWritesConfigModeAndDeleteSubjectValues() {
        XCTAssertEqual(text(SchemaRecordCodec.encode(.config(subject: nil, value: ConfigRecordValue(compatibilityLevel: .full))).value),
                       #"{"compatibilityLevel":"FULL"}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(.mode(subject: "s", value: .import)).value), #"{"subject":"s","mode":"IMPORT"}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(.mode(subject: nil, value: .readOnly)).value), #"{"mode":"READONLY"}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(.config(subject: "s", value: ConfigRecordValue(compatibilityLevel: CompatibilityLevel.none))).value),
                       #"{"subject":"s","compatibilityLevel":"NONE"}"#)
        XCTAssertEqual(text(SchemaRecordCodec.encode(.deleteSubject(subject: "s", version: 4)).value), #"{"subject":"s","version":4}"#)
    }

    func testEveryRecordRoundTrips() throws {
        let records: [SchemaRegistryRecord] = [
            .schema(subject: "s", version: 1, value: SchemaRecordValue(subject: "s", version: 1, id: 1, schemaType: .json, references: [],
                                                                      schema: "{}", deleted: false, otherMembers: .object([("ruleSet", .object([]))]))),
            .schema(subject: "s", version: 1, value: nil),
            .config(subject: "s", value: ConfigRecordValue(compatibilityLevel: CompatibilityLevel.none, otherMembers: .object([("normalize", .bool(true))]))),
            .config(subject: nil, value: nil), .mode(subject: nil, value: .readOnly), .mode(subject: "x", value: nil),
            .deleteSubject(subject: "s", version: 3), .deleteSubject(subject: "s", version: nil), .noop,
        ]
        for record in records {
            XCTAssertEqual(try SchemaRecordCodec.decode(SchemaRecordCodec.encode(record)), record)
        }
    }

    func testReadsKarapaceAndConfluentVariants() throws {
        // Karapace's deprecated key format keeps whatever member order it was given.
        XCTAssertEqual(try decode(#"{"subject": "s", "magic": 1, "keytype": "SCHEMA", "version": 2}"#, nil),
                       .schema(subject: "s", version: 2, value: nil))
        // An explicit AVRO type, extra members and an empty value for a tombstone.
        let value = try decode(#"{"keytype":"SCHEMA","subject":"s","version":1,"magic":0}"#,
                               #"{"deleted":false,"schema":"\"string\"","schemaType":"AVRO","id":3,"version":1,"subject":"s","md5":"abc","metadata":{"tags":{}}}"#)
        guard case let .schema(_, _, decoded?) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(decoded.schemaType, .avro)
        XCTAssertEqual(decoded.id, 3)
        XCTAssertEqual(decoded.otherMembers.objectMembers?.map(\.0), ["md5", "metadata"])
        XCTAssertEqual(try decode(#"{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}"#, ""), .schema(subject: "s", version: 1, value: nil))
        XCTAssertEqual(try decode(#"{"keytype":"CONFIG","magic":0}"#, #"{"compatibilityLevel":"FORWARD"}"#),
                       .config(subject: nil, value: ConfigRecordValue(compatibilityLevel: .forward)))
        XCTAssertEqual(try decode(#"{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}"#, #"{"subject":"s"}"#), .other(keytype: "CLEAR_SUBJECT"))
        XCTAssertEqual(try decode(#"{"keytype":"NOOP","magic":0}"#, nil), .noop)
        // Redpanda: extra key members (seq, node) and a DELETE_SUBJECT value without a version.
        XCTAssertEqual(try decode(#"{"keytype":"DELETE_SUBJECT","subject":"s","magic":0,"seq":42,"node":2}"#, #"{"subject":"s"}"#),
                       .deleteSubject(subject: "s", version: Int(Int32.max)))
        XCTAssertEqual(try decode(#"{"keytype":"CONFIG","subject":"s","magic":0,"seq":1,"node":0}"#, #"{"subject":"s","compatibilityLevel":"FULL"}"#),
                       .config(subject: "s", value: ConfigRecordValue(compatibilityLevel: .full)))
        XCTAssertEqual(try decode(#"{"keytype":"CONFIG","subject":null,"magic":0}"#, #"{"compatibilityLevel":"FULL"}"#),
                       .config(subject: nil, value: ConfigRecordValue(compatibilityLevel: .full)), "Karapace's global key")
    }

    func testMalformedRecordsAreErrorsNotCrashes() {
        let bad: [(String, String?)] = [
            ("not json", nil), ("[1]", nil), (#"{"magic":0}"#, nil),
            (#"{"keytype":"SCHEMA","subject":"s"}"#, nil),
            (#"{"keytype":"SCHEMA","subject":"s","version":1}"#, #"{"subject":"s"}"#),
            (#"{"keytype":"SCHEMA","subject":"s","version":1}"#, #"{"subject":"s","version":1,"id":1,"schema":"x","schemaType":"XML"}"#),
            (#"{"keytype":"CONFIG","subject":"s"}"#, #"{"compatibilityLevel":"SIDEWAYS"}"#),
            (#"{"keytype":"MODE","subject":"s"}"#, #"{"mode":"SOMETIMES"}"#),
            (#"{"keytype":"DELETE_SUBJECT","subject":"s"}"#, #"{"subject":"s","version":"x"}"#),
            (#"{"keytype":"CONFIG","subject":1}"#, nil),
        ]
        for (key, value) in bad {
            XCTAssertThrowsError(try decode(key, value), key)
        }
    }
}
