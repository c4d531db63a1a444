@testable import BrookSchemas
import XCTest

/// Parsing and validation: names and namespaces, references, logical types, and every rejection.
final class AvroSchemaParsingTests: XCTestCase {
    private func parse(_ text: String, references: [ResolvedReference] = []) throws -> AvroSchema {
        try AvroSchema.parse(text, references: references)
    }

    private func fullNames(_ schema: AvroSchema) -> [String] {
        schema.types.compactMap { $0.name?.fullName }
    }

    func testNamespacesFollowTheSpecsFullNameRules() throws {
        let schema = try parse("""
        {"type":"record","name":"R","namespace":"a.b","fields":[
          {"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},
          {"name":"e2","type":"E"},
          {"name":"n","type":{"type":"fixed","name":"F","namespace":"","size":2}},
          {"name":"o","type":{"type":"record","name":"c.S","namespace":"ignored","fields":[
            {"name":"x","type":"a.b.E"},{"name":"y","type":"F"},{"name":"z","type":{"type":"enum","name":"T","symbols":["Q"]}}]}}]}
        """)
        XCTAssertEqual(fullNames(schema), ["a.b.R", "a.b.E", "F", "c.S", "c.T"])
        guard case let .record(r) = schema.rootType.kind else { return XCTFail("not a record") }
        XCTAssertEqual(r.fields[1].type, r.fields[0].type, "a short name resolves in the enclosing namespace")
    }

    func testARecursiveTypeRefersToItself() throws {
        let schema = try parse(#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#)
        guard case let .record(r) = schema.rootType.kind, case let .union(branches) = schema[r.fields[0].type].kind else {
            return XCTFail("unexpected shape")
        }
        XCTAssertEqual(branches[1], schema.root)
    }

    func testReferencesDefineNamesTheSchemaUses() throws {
        let address = ResolvedReference(
            reference: SchemaReference(name: "com.acme.Address", subject: "address", version: 1),
            schema: #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#)
        let country = ResolvedReference(
            reference: SchemaReference(name: "com.acme.Country", subject: "country", version: 2),
            schema: #"{"type":"enum","name":"com.acme.Country","symbols":["NL","FR"]}"#)
        let schema = try parse(#"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"c","type":"Country"}]}"#,
                               references: [address, country])
        XCTAssertEqual(schema.referencedNames, ["com.acme.Address", "com.acme.Country"])
        XCTAssertThrowsError(try parse(#"{"type":"record","name":"P","fields":[{"name":"home","type":"com.acme.Address"}]}"#))
        XCTAssertThrowsError(try parse(#"{"type":"record","name":"Address","namespace":"com.acme","fields":[]}"#, references: [address]),
                             "a schema may not redefine a referenced name")
        XCTAssertThrowsError(try parse(#""int""#, references: [ResolvedReference(reference: address.reference, schema: "{")])) { error in
            XCTAssertTrue("\(error)".contains("com.acme.Address"), "the message names the bad reference: \(error)")
        }
    }

    func testLogicalTypesAreRecognisedOnlyWhereValid() throws {
        func logical(_ text: String) throws -> AvroLogicalType? { try parse(text).rootType.logicalType }
        XCTAssertEqual(try logical(#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#), .decimal(precision: 4, scale: 2))
        XCTAssertEqual(try logical(#"{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":4}"#), .decimal(precision: 4, scale: 0))
        XCTAssertNil(try logical(#"{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":5}"#), "2 bytes hold 4 digits")
        XCTAssertNil(try logical(#"{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}"#))
        XCTAssertNil(try logical(#"{"type":"bytes","logicalType":"decimal"}"#))
        XCTAssertEqual(try logical(#"{"type":"int","logicalType":"date"}"#), .date)
        XCTAssertNil(try logical(#"{"type":"long","logicalType":"date"}"#))
        XCTAssertEqual(try logical(#"{"type":"long","logicalType":"timestamp-micros"}"#), .timestampMicros)
        XCTAssertEqual(try logical(#"{"type":"string","logicalType":"uuid"}"#), .uuid)
        XCTAssertEqual(try logical(#"{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}"#), .duration)
        XCTAssertNil(try logical(#"{"type":"string","logicalType":"no-such-type"}"#))
        // Invalid ones stay as attributes.
        XCTAssertEqual(try parse(#"{"type":"long","logicalType":"date"}"#).canonicalString, #"{"type":"long","logicalType":"date"}"#)
    }

    func testValidDefaults() throws {
        let valid: [(String, String)] = [
            (#"["null","string"]"#, "null"), (#"["string","null"]"#, #""x""#), ("\"int\"", "-2147483648"),
            ("\"long\"", "9223372036854775807"), ("\"float\"", "1"), ("\"double\"", "1.5e3"), ("\"bytes\"", #""\u00ff""#),
            ("\"boolean\"", "false"), (#"{"type":"array","items":"int"}"#, "[1,2]"), (#"{"type":"map","values":"long"}"#, #"{"a":1}"#),
            (#"{"type":"enum","name":"E","symbols":["A"]}"#, #""A""#), (#"{"type":"fixed","name":"F","size":1}"#, #""a""#),
            (#"{"type":"record","name":"In","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":2}]}"#, #"{"a":1}"#),
        ]
        for (type, value) in valid {
            XCTAssertNoThrow(try parse(#"{"type":"record","name":"R","fields":[{"name":"f","type":\#(type),"default":\#(value)}]}"#), "\(type) \(value)")
        }
    }

    func testInvalidDefaultsAreRejected() {
        let invalid: [(String, String)] = [
            ("\"int\"", #""1""#), ("\"int\"", "1.5"), ("\"int\"", "2147483648"), ("\"long\"", "1.0"), ("\"long\"", "9223372036854775808"),
            ("\"string\"", "1"), ("\"boolean\"", #""true""#), ("\"null\"", "0"), ("\"bytes\"", "2"), ("\"float\"", #""1""#),
            (#"["null","string"]"#, #""x""#), (#"["string","null"]"#, "null"), (#"{"type":"array","items":"int"}"#, #"[1,"a"]"#),
            (#"{"type":"map","values":"int"}"#, #"{"a":"x"}"#), (#"{"type":"enum","name":"E","symbols":["A"]}"#, "1"),
            (#"{"type":"record","name":"In","fields":[{"name":"a","type":"int"}]}"#, "{}"),
        ]
        for (type, value) in invalid {
            XCTAssertThrowsError(try parse(#"{"type":"record","name":"R","fields":[{"name":"f","type":\#(type),"default":\#(value)}]}"#), "\(type) \(value)") { error in
                XCTAssertTrue("\(error)".contains("\"f\""), "the message names the field: \(error)")
            }
        }
    }

    func testAStoredSchemaWithABadDefaultStillLoadsWithoutDefaultValidation() throws {
        // Confluent's AvroCompatibilityTest.badDefaultNullString: accepted once, so it must reload.
        let text = #"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","default":"null"}]}"#
        XCTAssertThrowsError(try AvroSchema.parse(text))
        XCTAssertNoThrow(try AvroSchema.parse(text, validateDefaults: false))
    }

    func testARecordDefaultThatFallsBackOnItselfIsAnErrorNotALoop() {
        let text = #"{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"record","name":"S","fields":[{"name":"s","type":"S","default":{}}]},"default":{}}]}"#
        XCTAssertThrowsError(try parse(text))
    }

    func testInvalidSchemasAreRejectedWithAMessage() {
        let invalid: [(String, String)] = [
            ("{", "invalid JSON"),
            ("12", "not a type name"),
            ("true", "not a type name"),
            (#""Nope""#, "Undefined name"),
            (#"{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}"#, "Undefined name"),
            (#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"R","fields":[]}}]}"#, "defined twice"),
            (#"{"type":"record","name":"1R","fields":[]}"#, "must start with a letter"),
            (#"{"type":"record","name":"","fields":[]}"#, "may not be empty"),
            (#"{"type":"record","name":"a.b-c","fields":[]}"#, "must start with a letter"),
            (#"{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}"#, "field name"),
            (#"{"type":"enum","name":"E","symbols":["1x"]}"#, "symbol"),
            (#"{"type":"enum","name":"E","symbols":["A","A"]}"#, "duplicate symbol"),
            (#"{"type":"enum","name":"E","symbols":"A"}"#, "symbols"),
            (#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#, "not one of its symbols"),
            (#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}"#, "duplicate field"),
            (#"["int","int"]"#, "duplicate type"),
            (#"["null",{"type":"array","items":"int"},{"type":"array","items":"long"}]"#, "duplicate type"),
            (#"[{"type":"enum","name":"E","symbols":["A"]},"E"]"#, "duplicate type"),
            (#"["null",["int"]]"#, "another union"),
            (#"{"type":"fixed","name":"F"}"#, "size"),
            (#"{"type":"fixed","name":"F","size":"16"}"#, "size"),
            (#"{"type":"fixed","name":"F","size":-1}"#, "size"),
            (#"{"type":"fixed","name":"F","size":1.5}"#, "size"),
            (#"{"type":"fixed","name":"int","size":1}"#, "primitive"),
            (#"{"type":"record","name":"R"}"#, "fields"),
            (#"{"type":"record","fields":[]}"#, "name"),
            (#"{"type":"array"}"#, "items"),
            (#"{"type":"map"}"#, "values"),
            (#"{"type":{"type":"int"}}"#, "\"type\" string"),
            (#"{"name":"x"}"#, "\"type\" string"),
            (#"{"type":"unknown"}"#, "unknown type"),
            (#"{"type":"record","name":"R","fields":[{"name":"a"}]}"#, "no \"type\""),
            (#"{"type":"record","name":"R","fields":[{"type":"int"}]}"#, "no \"name\""),
            (#"{"type":"record","name":"R","fields":["int"]}"#, "not a JSON object"),
            (#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}"#, "order"),
            (#"{"type":"record","name":"R","aliases":"S","fields":[]}"#, "aliases"),
            (#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":[1]}]}"#, "alias"),
        ]
        for (text, expected) in invalid {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error) should mention \(expected)")
            }
        }
    }

    func testWhatJavaAvroAcceptsIsAccepted() throws {
        for text in [
            "[]", #"{"type":"int","doc":"dropped"}"#, #"{"type":"record","name":"R","fields":[],"doc":5}"#,
            #"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"S","fields":[]}},{"name":"b","type":{"type":"S","extra":1}}]}"#,
            #"{"type":"error","name":"Oops","fields":[{"name":"why","type":"string"}]}"#,
            #"{"type":"record","name":"R","namespace":"not-checked.by avro 1.11","fields":[]}"#,
            #"{"type":"record","name":"Größe","fields":[{"name":"_ü1","type":"int"}]}"#,
            #"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"IGNORE"}]}"#,
        ] {
            XCTAssertNoThrow(try parse(text), text)
        }
    }

    func testTheFormatDispatchParsesAvro() throws {
        let parsed = try SchemaFormats.parse(#"{"type": "string"}"#, type: .avro)
        XCTAssertEqual(parsed.schemaType, .avro)
        XCTAssertEqual(parsed.canonicalString, #""string""#)
    }
}
