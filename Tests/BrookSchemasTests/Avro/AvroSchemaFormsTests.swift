@testable import BrookSchemas
import XCTest

/// canonicalString (Java Avro's `Schema.toString()`), Confluent's normalized form, the spec's Parsing
/// Canonical Form and its CRC-64-AVRO fingerprint.
final class AvroSchemaFormsTests: XCTestCase {
    private func canonical(_ text: String, references: [ResolvedReference] = []) throws -> String {
        try AvroSchema.parse(text, references: references).canonicalString
    }

    func testCanonicalStringIsJavaAvrosCompactLayout() throws {
        let cases: [(String, String)] = [
            (#" "int" "#, #""int""#),
            (#"{"type":"string"}"#, #""string""#),
            (#"["null",{"type":"string"}]"#, #"["null","string"]"#),
            (#"{"items":"int","type":"array","default":[]}"#, #"{"type":"array","items":"int","default":[]}"#),
            (#"{"values":{"type":"long","x":1},"type":"map"}"#, #"{"type":"map","values":{"type":"long","x":1}}"#),
            // Confluent's AvroSchemaTest.testNormalization input and expected output.
            (#"{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"type":"string","name":"f1","doc":"bye\"now"}]}"#,
             #"{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"name":"f1","type":"string","doc":"bye\"now"}]}"#),
            // Field attributes: name, type, doc, default, order (unless ascending), aliases, custom.
            (#"{"type":"record","name":"R","fields":[{"x-custom":1,"aliases":["g","g"],"order":"DESCENDING","default":1.50,"name":"f","type":"double","doc":"d"}]}"#,
             #"{"type":"record","name":"R","fields":[{"name":"f","type":"double","doc":"d","default":1.5,"order":"descending","aliases":["g"],"x-custom":1}]}"#),
            (#"{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"ascending"}]}"#,
             #"{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}"#),
            // Record: type, name, namespace, doc, fields, custom attributes, aliases (relative to the namespace).
            (#"{"aliases":["Old","x.Older","n.Old"],"fields":[],"custom":{"b":1e2,"c":-0},"type":"record","doc":"","name":"R","namespace":"n"}"#,
             #"{"type":"record","name":"R","namespace":"n","doc":"","fields":[],"custom":{"b":100.0,"c":0},"aliases":["Old","x.Older"]}"#),
            (#"{"type":"enum","x":true,"name":"Suit","symbols":["A","B"],"default":"A","doc":"d","aliases":["S2"]}"#,
             #"{"type":"enum","name":"Suit","doc":"d","symbols":["A","B"],"default":"A","x":true,"aliases":["S2"]}"#),
            (#"{"size":16,"type":"fixed","name":"a.b.Md5","logicalType":"uuid"}"#,
             #"{"type":"fixed","name":"Md5","namespace":"a.b","size":16,"logicalType":"uuid"}"#),
            (#"{"type":"record","name":"T","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}},{"name":"ts","type":{"logicalType":"timestamp-millis","type":"long"}},{"name":"p","type":{"type":"int"}}]}"#,
             #"{"type":"record","name":"T","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"p","type":"int"}]}"#),
            (#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#,
             #"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#),
            // Named types: namespace only where it differs; the null namespace inside a namespaced record is "".
            (#"{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"e2","type":"E"},{"name":"n","type":{"type":"fixed","name":"F","namespace":"","size":2}},{"name":"o","type":{"type":"record","name":"c.S","fields":[{"name":"x","type":"a.b.E"},{"name":"y","type":"F"}]}}]}"#,
             #"{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"e2","type":"E"},{"name":"n","type":{"type":"fixed","name":"F","namespace":"","size":2}},{"name":"o","type":{"type":"record","name":"S","namespace":"c","fields":[{"name":"x","type":"a.b.E"},{"name":"y","type":"F"}]}}]}"#),
            (#"{"type":"error","name":"Oops","fields":[]}"#, #"{"type":"error","name":"Oops","fields":[]}"#),
            (#"{"type":"record","name":"R","fields":[{"name":"s","type":"string","default":"tab\there é\u0001"}]}"#,
             #"{"type":"record","name":"R","fields":[{"name":"s","type":"string","default":"tab\there é\u0001"}]}"#),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(try canonical(input), expected, input)
        }
    }

    func testDebeziumEnvelopeFromConfluentsNormalizationTest() throws {
        // Confluent AvroSchemaTest.testNormalizationPreservesMetadataForPrimitiveTypes.
        let input = """
        {"connect.name": "some.scope.Envelope", "fields": [
          {"default": null, "name": "before", "type": ["null", {"connect.name": "some.scope.Value", "fields": [
            {"name": "created_at", "type": {"connect.name": "io.debezium.time.Timestamp", "connect.version": 1, "type": "long"}},
            {"name":"normal_long", "type":"long"}], "name": "Value", "type": "record"}]},
          {"default": null, "name": "after", "type": ["null", "Value"]}],
         "name": "Envelope", "namespace": "some.scope", "type": "record"}
        """
        let expected = #"{"type":"record","name":"Envelope","namespace":"some.scope","fields":[{"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"created_at","type":{"type":"long","connect.name":"io.debezium.time.Timestamp","connect.version":1}},{"name":"normal_long","type":"long"}],"connect.name":"some.scope.Value"}],"default":null},{"name":"after","type":["null","Value"],"default":null}],"connect.name":"some.scope.Envelope"}"#
        let schema = try AvroSchema.parse(input)
        XCTAssertEqual(schema.canonicalString, expected)
        XCTAssertEqual(schema.normalized(), expected)
    }

    func testReferencedTypesAreWrittenByName() throws {
        let address = ResolvedReference(
            reference: SchemaReference(name: "com.acme.Address", subject: "address", version: 1),
            schema: #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#)
        let schema = try AvroSchema.parse(
            #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"com.acme.Address"}]}"#,
            references: [address])
        XCTAssertEqual(schema.canonicalString, #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}"#)
        XCTAssertEqual(schema.normalized(), schema.canonicalString)
        XCTAssertEqual(schema.parsingCanonicalForm,
                       #"{"name":"com.acme.Person","type":"record","fields":[{"name":"home","type":{"name":"com.acme.Address","type":"record","fields":[{"name":"street","type":"string"}]}},{"name":"work","type":"com.acme.Address"}]}"#)
    }

    func testNormalizedSortsAttributesAndAliasesAfterTheLogicalType() throws {
        let schema = try AvroSchema.parse(#"""
        {"type":"record","name":"R","namespace":"n","doc":"","aliases":["Z","A","x.B"],"zeta":1,"alpha":2,
         "fields":[{"name":"f","type":{"type":"bytes","zz":1,"scale":0,"precision":3,"logicalType":"decimal","aa":2},
                    "aliases":["y","b"],"doc":"","zattr":1,"aattr":2},
                   {"name":"g","type":{"type":"int","logicalType":"bogus","b":1}}]}
        """#)
        XCTAssertEqual(schema.normalized(),
                       #"{"type":"record","name":"R","namespace":"n","fields":[{"name":"f","type":{"type":"bytes","logicalType":"decimal","precision":3,"aa":2,"scale":0,"zz":1},"doc":"","aliases":["b","y"],"aattr":2,"zattr":1},{"name":"g","type":{"type":"int","b":1,"logicalType":"bogus"}}],"alpha":2,"zeta":1,"aliases":["A","Z","x.B"]}"#)
        // Schemas that differ only in attribute order normalize to the same text.
        let reordered = try AvroSchema.parse(#"""
        {"alpha":2,"zeta":1,"aliases":["x.B","A","Z"],"type":"record","name":"n.R",
         "fields":[{"name":"f","type":{"logicalType":"decimal","aa":2,"precision":3,"type":"bytes","scale":0,"zz":1},
                    "zattr":1,"aattr":2,"doc":"","aliases":["b","y"]},
                   {"name":"g","type":{"b":1,"type":"int","logicalType":"bogus"}}]}
        """#)
        XCTAssertNotEqual(reordered.canonicalString, schema.canonicalString)
        XCTAssertEqual(reordered.normalized(), schema.normalized())
    }

    /// Inputs, canonical forms and fingerprints from the Avro project's shared test data
    /// (apache/avro share/test/data/schema-tests.txt, cases 000-033), which Java's slow reference
    /// implementation of the fingerprint cross-checks.
    func testParsingCanonicalFormAndFingerprintMatchAvrosSharedTestData() throws {
        let cases: [(String, String, Int64?)] = [
            (#""null""#, #""null""#, 7195948357588979594),
            (#"{"type":"null"}"#, #""null""#, nil),
            (#""boolean""#, #""boolean""#, -6970731678124411036),
            (#""int""#, #""int""#, 8247732601305521295),
            (#""long""#, #""long""#, -3434872931120570953),
            (#""float""#, #""float""#, 5583340709985441680),
            (#""double""#, #""double""#, -8181574048448539266),
            (#""bytes""#, #""bytes""#, 5746618253357095269),
            (#""string""#, #""string""#, -8142146995180207161),
            ("[  ]", "[]", -1241056759729112623),
            (#"[ "int"  ]"#, #"["int"]"#, -5232228896498058493),
            (#"[ "int" , {"type":"boolean"} ]"#, #"["int","boolean"]"#, 5392556393470105090),
            (#"{"fields":[], "type":"record", "name":"foo"}"#, #"{"name":"foo","type":"record","fields":[]}"#, -4824392279771201922),
            (#"{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}"#, #"{"name":"x.y.foo","type":"record","fields":[]}"#, 5916914534497305771),
            (#"{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}"#, #"{"name":"a.b.foo","type":"record","fields":[]}"#, -4616218487480524110),
            (#"{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}"#, #"{"name":"foo","type":"record","fields":[]}"#, -4824392279771201922),
            (#"{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}"#, #"{"name":"foo","type":"record","fields":[]}"#, -4824392279771201922),
            (#"{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}"#,
             #"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}"#, 7843277075252814651),
            (#"{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo" }"#,
             #"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}"#, -4860222112080293046),
            (#"{"type":"enum", "name":"foo", "symbols":["A1"]}"#, #"{"name":"foo","type":"enum","symbols":["A1"]}"#, -6342190197741309591),
            (#"{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}"#,
             #"{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}"#, -4448647247586288245),
            (#"{"name":"foo","type":"fixed","size":15}"#, #"{"name":"foo","type":"fixed","size":15}"#, 1756455273707447556),
            (#"{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}"#,
             #"{"name":"x.y.z.foo","type":"fixed","size":32}"#, -3064184465700546786),
            (#"{ "items":{"type":"null"}, "type":"array"}"#, #"{"type":"array","items":"null"}"#, -589620603366471059),
            (#"{ "values":"string", "type":"map"}"#, #"{"type":"map","values":"string"}"#, -8732877298790414990),
            (#"{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}"#,
             #"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#, -1759257747318642341),
        ]
        for (input, form, fingerprint) in cases {
            // Case 026 carries a boolean field defaulting to "true", which the test data's parser does not check.
            let schema = try AvroSchema.parse(input, validateDefaults: false)
            XCTAssertEqual(schema.parsingCanonicalForm, form, input)
            if let fingerprint {
                XCTAssertEqual(schema.parsingFingerprint64, fingerprint, input)
            }
        }
    }

    func testTheFingerprintOfNothingIsTheSpecsEmptyConstant() {
        XCTAssertEqual(AvroRabinFingerprint.fingerprint([]), 0xC15D_213A_A4D7_A795)
    }

    func testJavaDoubleFormatting() {
        let cases: [(Double, String)] = [
            (1.5, "1.5"), (100, "100.0"), (1e7, "1.0E7"), (9_999_999, "9999999.0"), (1e-3, "0.001"), (1e-4, "1.0E-4"),
            (0.1, "0.1"), (-2.5e-5, "-2.5E-5"), (1.2345e20, "1.2345E20"), (0, "0.0"), (-0.0, "-0.0"), (123.456, "123.456"),
            (Double.greatestFiniteMagnitude, "1.7976931348623157E308"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(JSONValue.javaDoubleText(value), expected, "\(value)")
        }
    }
}
