@testable import BrookConnect
import BrookSchemas
import XCTest

final class JsonConverterTests: XCTestCase {
    private let converter = try! JsonConverter(configuration: [:], isKey: false)
    private let plain = try! JsonConverter(configuration: ["schemas.enable": "false"], isKey: false)

    private func write(_ converter: JsonConverter, _ schema: ConnectSchema?, _ value: ConnectValue) throws -> String? {
        try converter.fromConnectData(topic: "t", schema: schema, value: value).map { String(decoding: $0, as: UTF8.self) }
    }

    private func read(_ converter: JsonConverter, _ text: String) throws -> ConnectSchemaAndValue {
        try converter.toConnectData(topic: "t", bytes: Array(text.utf8))
    }

    func testEnvelopeGoldenStringsMatchKafka() throws {
        XCTAssertEqual(try write(converter, .boolean, .boolean(true)),
                       #"{"schema":{"type":"boolean","optional":false},"payload":true}"#)
        XCTAssertEqual(try write(converter, .optionalString, .null),
                       #"{"schema":{"type":"string","optional":true},"payload":null}"#)
        XCTAssertEqual(try write(converter, .float64, .float64(12.34)),
                       #"{"schema":{"type":"double","optional":false},"payload":12.34}"#)
        XCTAssertEqual(try write(converter, .float32, .float32(1e10)),
                       #"{"schema":{"type":"float","optional":false},"payload":1.0E10}"#)
        XCTAssertEqual(try write(converter, .bytes, .bytes(Array("test-string".utf8))),
                       #"{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}"#)
        let schema = try ConnectSchema.struct(name: "com.example.Order", [
            ("id", .int32), ("note", ConnectSchema.optionalString.documented("free text")),
            ("tags", .array(.string)), ("counts", .map(.int32, .int64)),
        ]).versioned(3)
        let value = try ConnectStruct(schema: schema).putting("id", .int32(7)).putting("tags", .array([.string("a")]))
            .putting("counts", .map([.init(.int32(1), .int64(2))]))
        XCTAssertEqual(try write(converter, schema, .struct(value)),
                       #"{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},"#
                       + #"{"type":"string","optional":true,"doc":"free text","field":"note"},"#
                       + #"{"type":"array","items":{"type":"string","optional":false},"optional":false,"field":"tags"},"#
                       + #"{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int64","optional":false},"optional":false,"field":"counts"}],"#
                       + #""optional":false,"name":"com.example.Order","version":3},"#
                       + #""payload":{"id":7,"note":null,"tags":["a"],"counts":[[1,2]]}}"#)
    }

    func testLogicalTypesAndDecimalFormats() throws {
        let decimal = ConnectLogicalType.decimalSchema(scale: 2)
        let value = ConnectValue.decimal(ConnectDecimal(156, scale: 2))
        XCTAssertEqual(try write(converter, decimal, value),
                       #"{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}"#)
        let numeric = try JsonConverter(configuration: ["decimal.format": "numeric", "schemas.enable": "false"], isKey: false)
        XCTAssertEqual(try write(numeric, decimal, value), "1.56")
        XCTAssertEqual(try read(converter, #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}"#).value, value)
        XCTAssertEqual(try read(converter, #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}"#),
                       ConnectSchemaAndValue(schema: decimal, value: value))
        XCTAssertThrowsError(try write(converter, decimal, .decimal(ConnectDecimal(156, scale: 3))))
        // 10000 days after the epoch, as in Kafka's JsonConverterTest.
        let dateMillis = Int64(10000) * 86_400_000
        XCTAssertEqual(try write(plain, ConnectLogicalType.dateSchema, .timestamp(dateMillis)), "10000")
        XCTAssertEqual(try read(converter, #"{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}"#).value, .timestamp(dateMillis))
        XCTAssertEqual(try write(plain, ConnectLogicalType.timeSchema, .timestamp(14_400_000)), "14400000")
        XCTAssertEqual(try write(plain, ConnectLogicalType.timestampSchema, .timestamp(4_000_000_000)), "4000000000")
        XCTAssertThrowsError(try write(plain, ConnectLogicalType.dateSchema, .timestamp(dateMillis + 1)))
        XCTAssertThrowsError(try write(plain, ConnectLogicalType.timestampSchema, .int64(1))) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Invalid type for Timestamp, expected Date but was class java.lang.Long")
        }
    }

    func testReadingTheEnvelopeAppliesDefaultsAndOptionality() throws {
        XCTAssertEqual(try read(converter, #"{ "schema": { "type": "boolean", "default": true }, "payload": null }"#),
                       ConnectSchemaAndValue(schema: try ConnectSchema.boolean.withDefault(.boolean(true)), value: .boolean(true)))
        let full = try read(converter, #"{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }"#)
        XCTAssertEqual(full.schema, ConnectSchema.boolean.named("bool").versioned(2).documented("the documentation").withParameter("foo", "bar"))
        let structRead = try read(converter, #"{ "schema": { "type": "struct", "fields": [{ "field":"optional", "type": "string", "optional": true }, {  "field": "required", "type": "string" }] }, "payload": { "required": "required" } }"#)
        XCTAssertEqual(try structRead.value.structValue?.get("required"), .string("required"))
        XCTAssertEqual(try structRead.value.structValue?.get("optional"), .null)
        XCTAssertThrowsError(try read(converter, #"{"schema":{"type":"string"},"payload":null}"#)) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Invalid null value for required STRING field")
        }
        XCTAssertEqual(try read(converter, #"{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }"#).value,
                       .map([.init(.int32(1), .int32(12)), .init(.int32(2), .int32(15))]))
    }

    func testEnvelopeIsRequiredWhenSchemasAreEnabled() {
        for text in [#"{"payload":1}"#, #"{"schema":null,"payload":1,"x":2}"#, "[1]", "12", ""] {
            XCTAssertThrowsError(try read(converter, text), text) { error in
                XCTAssertEqual((error as? ConnectDataError)?.message, JsonConverter.envelopeMessage)
            }
        }
        XCTAssertThrowsError(try read(converter, "{nope")) { error in
            XCTAssertTrue((error as? ConnectDataError)?.message.hasPrefix("Converting byte[] to Kafka Connect data failed due to serialization error: ") == true)
        }
        XCTAssertThrowsError(try read(converter, #"{"schema":{"type":"int128"},"payload":1}"#)) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Unknown schema type: int128")
        }
        XCTAssertThrowsError(try read(converter, #"{"schema":{"optional":true},"payload":1}"#)) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Schema must contain 'type' field")
        }
    }

    func testSchemalessJSONInfersInt64Float64AndMaps() throws {
        XCTAssertEqual(try read(plain, #"{"a":1,"b":2.5,"c":[true,"x",null]}"#),
                       ConnectSchemaAndValue(schema: nil, value: .stringMap([
                           ("a", .int64(1)), ("b", .float64(2.5)), ("c", .array([.boolean(true), .string("x"), .null])),
                       ])))
        XCTAssertEqual(try read(plain, "1e2").value, .float64(100))
        XCTAssertEqual(try read(converter, #"{ "schema": null, "payload": 12 }"#), ConnectSchemaAndValue(schema: nil, value: .int64(12)))
        XCTAssertEqual(try read(plain, ""), .null)
        XCTAssertEqual(try plain.toConnectData(topic: "t", bytes: nil), .null)
        XCTAssertNil(try write(plain, nil, .null))
        XCTAssertNil(try write(converter, nil, .null))
        XCTAssertEqual(try write(converter, nil, .stringMap([("k", .int32(1))])), #"{"schema":null,"payload":{"k":1}}"#)
        XCTAssertEqual(try write(plain, nil, .map([.init(.int32(1), .string("one"))])), #"[[1,"one"]]"#)
        XCTAssertThrowsError(try write(plain, nil, .decimal(ConnectDecimal(1))))
        let structSchema = try ConnectSchema.struct([("a", .int8)])
        XCTAssertThrowsError(try write(plain, nil, .struct(ConnectStruct(schema: structSchema)))) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Mismatching schema.")
        }
    }

    func testNullReplacedByDefaultUnlessDisabled() throws {
        let schema = try ConnectSchema.struct([("n", ConnectSchema.optionalInt32.withDefault(.int32(5)))])
        let value = ConnectValue.struct(try ConnectStruct(schema: schema))
        let keepNull = try JsonConverter(configuration: ["schemas.enable": "false", "replace.null.with.default": "false"], isKey: false)
        XCTAssertEqual(try write(plain, schema, value), #"{"n":5}"#)
        XCTAssertEqual(try write(keepNull, schema, value), #"{"n":null}"#)
        XCTAssertThrowsError(try write(plain, .int32, .null)) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Conversion error: null value for field that is required and has no default value")
        }
        XCTAssertThrowsError(try write(plain, .int32, .string("x"))) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Invalid type for INT32: class java.lang.String")
        }
    }

    func testConfigErrorsUseKafkaMessages() {
        XCTAssertThrowsError(try JsonConverter(configuration: ["schemas.enable": "yes"], isKey: true)) { error in
            XCTAssertEqual(error as? ConnectConfigError, .invalidValue("schemas.enable", "yes", "Expected value to be either true or false"))
            XCTAssertEqual((error as? ConnectConfigError)?.message, "Invalid value yes for configuration schemas.enable: Expected value to be either true or false")
        }
        XCTAssertThrowsError(try JsonConverter(configuration: ["decimal.format": "HEX"], isKey: true)) { error in
            XCTAssertEqual((error as? ConnectConfigError)?.message, "Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC")
        }
    }

    func testRoundTripsEverySchemaType() throws {
        let schema = try ConnectSchema.struct(name: "all", [
            ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64), ("f32", .float32), ("f64", .float64),
            ("b", .boolean), ("s", .string), ("y", .bytes), ("a", .array(.optionalInt32)), ("m", .map(.string, .float64)),
            ("dec", ConnectLogicalType.decimalSchema(scale: 3)), ("ts", ConnectLogicalType.timestampSchema.optional()),
            ("nested", try ConnectSchema.struct([("x", .int64)]).optional()),
        ])
        let nested = try ConnectStruct(schema: schema.field(named: "nested")!.schema).putting("x", .int64(-1))
        let value = try ConnectStruct(schema: schema)
            .putting("i8", .int8(-8)).putting("i16", .int16(300)).putting("i32", .int32(Int32.min)).putting("i64", .int64(Int64.max))
            .putting("f32", .float32(0.1)).putting("f64", .float64(-2.5e-9)).putting("b", .boolean(false)).putting("s", .string("\u{1}é\"\n"))
            .putting("y", .bytes([0, 255, 7])).putting("a", .array([.int32(1), .null])).putting("m", .stringMap([("k", .float64(1))]))
            .putting("dec", .decimal(ConnectDecimal(unscaled: "-123456789012345678901234567890", scale: 3)!)).putting("ts", .timestamp(1_700_000_000_000))
            .putting("nested", .struct(nested))
        for format in ["BASE64", "NUMERIC"] {
            let c = try JsonConverter(configuration: ["decimal.format": format], isKey: false)
            let bytes = try XCTUnwrap(c.fromConnectData(topic: "t", schema: schema, value: .struct(value)))
            XCTAssertEqual(try c.toConnectData(topic: "t", bytes: bytes), ConnectSchemaAndValue(schema: schema, value: .struct(value)))
        }
    }

    func testRandomMutationsOfEnvelopesEitherDecodeOrThrow() throws {
        let seedDocs = [
            #"{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"map","keys":{"type":"int8","optional":false},"values":{"type":"bytes","optional":true},"optional":false,"field":"m"}],"optional":false},"payload":{"id":1,"m":[[1,"AA=="]]}}"#,
            #"{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}"#,
            #"{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1},"payload":1000}"#,
        ]
        var rng = SystemRandomNumberGenerator()
        let interesting = Array(#"{}[]",:0123456789-.eE"nulltruefalse \#u{80}"#.utf8)
        for converter in [converter, plain] {
            for seed in seedDocs {
                let original = Array(seed.utf8)
                for _ in 0..<400 {
                    var bytes = original
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
                    case 1: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = interesting.randomElement(using: &rng)!
                    case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
                    default:
                        for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                    }
                    _ = try? converter.toConnectData(topic: "t", bytes: bytes)
                }
            }
        }
        for extreme in ["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "1e999999999", "-0", "99999999999999999999999",
                        #"{"schema":{"type":"int64"},"payload":1e300}"#, #"{"schema":{"type":"int8"},"payload":-1.5}"#,
                        #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"x"}},"payload":"AA=="}"#,
                        #"{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":99999999999}"#,
                        #"{"schema":{"type":"int64"},"payload":1e999999999}"#, #"{"schema":{"type":"int64"},"payload":1e-999999999}"#,
                        #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":-1e999999999}"#] {
            _ = try? read(converter, extreme)
            _ = try? read(plain, extreme)
        }
        XCTAssertEqual(try read(converter, #"{"schema":{"type":"int8"},"payload":-1.5}"#).value, .int8(-1))
        XCTAssertEqual(try read(converter, #"{"schema":{"type":"int64"},"payload":1e-999999999}"#).value, .int64(0))
        XCTAssertEqual(ConnectValues.parseString("1e999999999").schema?.name, ConnectLogicalType.decimal.rawValue)
        XCTAssertEqual(ConnectDecimal(literal: "-1e999999999")?.doubleValue, -.infinity)
    }
}
