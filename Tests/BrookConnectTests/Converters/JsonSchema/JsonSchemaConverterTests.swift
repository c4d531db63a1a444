@testable import BrookConnect
import BrookRegistryClient
import BrookSchemas
import XCTest

final class JsonSchemaConverterTests: XCTestCase {
    /// Every primitive, an optional documented field, an array, both map forms, an optional nested
    /// struct, a Decimal and a field with a default.
    static func orderSchema() throws -> ConnectSchema {
        try ConnectSchema.struct(name: "com.acme.Order", [
            ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64), ("f32", .float32), ("f64", .float64),
            ("b", .boolean), ("s", .string), ("y", .bytes),
            ("note", ConnectSchema.optionalString.documented("free text")),
            ("tags", .array(.string)),
            ("counts", .map(.string, .int32)),
            ("byId", .map(.int64, .optionalString)),
            ("inner", try ConnectSchema.struct(name: "com.acme.Inner", [("x", .string)]).optional()),
            ("price", ConnectLogicalType.decimalSchema(scale: 2)),
            ("qty", ConnectSchema.int32.withDefault(.int32(1))),
        ])
    }

    static func orderValue(_ schema: ConnectSchema) throws -> ConnectStruct {
        let inner = try ConnectStruct(schema: schema.field(named: "inner")!.schema).putting("x", .string("in"))
        return try ConnectStruct(schema: schema).putting("i8", .int8(-8)).putting("i16", .int16(300)).putting("i32", .int32(.max))
            .putting("i64", .int64(.min)).putting("f32", .float32(0.5)).putting("f64", .float64(-1e300)).putting("b", .boolean(true))
            .putting("s", .string("héllo \"q\"")).putting("y", .bytes([0, 255, 7])).putting("note", .string("n"))
            .putting("tags", .array([.string("a"), .string("b")])).putting("counts", .stringMap([("k", .int32(2))]))
            .putting("byId", .map([.init(.int64(9), .string("nine")), .init(.int64(10), .null)])).putting("inner", .struct(inner))
            .putting("price", .decimal(ConnectDecimal(1234, scale: 2))).putting("qty", .int32(5))
    }

    func testConnectSchemasBecomeJsonSchemasAsConfluentWritesThem() throws {
        let document = try ConnectToJsonSchema(values: .init()).document(for: Self.orderSchema())
        let expected = #"{"type":"object","properties":{"#
            + #""i8":{"type":"integer","connect.index":0,"connect.type":"int8"},"#
            + #""i16":{"type":"integer","connect.index":1,"connect.type":"int16"},"#
            + #""i32":{"type":"integer","connect.index":2,"connect.type":"int32"},"#
            + #""i64":{"type":"integer","connect.index":3,"connect.type":"int64"},"#
            + #""f32":{"type":"number","connect.index":4,"connect.type":"float32"},"#
            + #""f64":{"type":"number","connect.index":5,"connect.type":"float64"},"#
            + #""b":{"type":"boolean","connect.index":6},"#
            + #""s":{"type":"string","connect.index":7},"#
            + #""y":{"type":"string","connect.index":8,"connect.type":"bytes"},"#
            + #""note":{"oneOf":[{"type":"null"},{"type":"string","description":"free text"}],"connect.index":9},"#
            + #""tags":{"type":"array","items":{"type":"string"},"connect.index":10},"#
            + #""counts":{"type":"object","additionalProperties":{"type":"integer","connect.type":"int32"},"connect.index":11,"connect.type":"map"},"#
            + #""byId":{"type":"array","items":{"type":"object","properties":{"key":{"type":"integer","connect.index":0,"connect.type":"int64"},"#
            + #""value":{"oneOf":[{"type":"null"},{"type":"string"}],"connect.index":1}}},"connect.index":12,"connect.type":"map"},"#
            + #""inner":{"oneOf":[{"type":"null"},{"type":"object","properties":{"x":{"type":"string","connect.index":0}},"title":"com.acme.Inner"}],"connect.index":13},"#
            + #""price":{"type":"string","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.index":14,"connect.type":"bytes","connect.parameters":{"scale":"2"}},"#
            + #""qty":{"type":"integer","default":1,"connect.index":15,"connect.type":"int32"}"#
            + #"},"title":"com.acme.Order"}"#
        XCTAssertEqual(document.compactText, expected)
        // Brook's registry accepts it as draft-07 JSON Schema and keeps the text.
        XCTAssertEqual(try JSONSchemaDocument(document.compactText).canonicalString, expected)

        // A union, an enum and a logical top-level schema.
        var union = ConnectSchema(type: .struct, name: "io.confluent.connect.json.OneOf")
        try union.addField("io.confluent.connect.json.OneOf.field.0", .int32)
        try union.addField("io.confluent.connect.json.OneOf.field.1", .string)
        XCTAssertEqual(try ConnectToJsonSchema(values: .init()).document(for: union.optional()).compactText,
                       #"{"oneOf":[{"type":"null"},{"type":"integer","connect.index":0,"connect.type":"int32"},{"type":"string","connect.index":1}]}"#)
        let colour = ConnectSchema.string.withParameter("io.confluent.connect.json.Enum", "").withParameter("io.confluent.connect.json.Enum.red", "red")
            .withParameter("io.confluent.connect.json.Enum.<NULL>", "<NULL>")
        XCTAssertEqual(try ConnectToJsonSchema(values: .init()).document(for: colour).compactText, #"{"enum":["red",null]}"#)
        XCTAssertEqual(try ConnectToJsonSchema(values: .init()).document(for: ConnectLogicalType.timestampSchema).compactText,
                       #"{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.type":"int64"}"#)
        XCTAssertEqual(try ConnectToJsonSchema(values: .init(decimalFormat: .numeric)).document(for: ConnectLogicalType.decimalSchema(scale: 1)).compactText,
                       #"{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"1"}}"#)
    }

    func testJsonSchemasBecomeConnectSchemas() throws {
        let reader = JsonSchemaToConnect(values: .init())
        let schema = try Self.orderSchema()
        // What Brook writes reads back as the same Connect schema.
        XCTAssertEqual(try reader.connectSchema(for: ConnectToJsonSchema(values: .init()).document(for: schema)), schema)

        // A document another producer wrote: no connect.* hints, a union, an enum, a default.
        let foreign = try JSONParser.parse(#"""
        {"type":"object","title":"Person","properties":{
          "id":{"type":"integer"},
          "score":{"type":"number","default":1.5},
          "name":{"type":"string","description":"the name"},
          "either":{"oneOf":[{"type":"integer"},{"type":"string"}]},
          "kind":{"enum":["A","B"]},
          "maybe":{"anyOf":[{"type":"null"},{"type":"boolean"}]},
          "list":{"type":"array","items":{"type":"string"}}
        }}
        """#)
        let person = try reader.connectSchema(for: foreign)
        XCTAssertEqual(person.name, "Person")
        XCTAssertEqual(person.fields.map(\.name), ["id", "score", "name", "either", "kind", "maybe", "list"])
        XCTAssertEqual(person.field(named: "id")?.schema, .int64)
        XCTAssertEqual(person.field(named: "score")?.schema, try ConnectSchema.float64.withDefault(.float64(1.5)))
        XCTAssertEqual(person.field(named: "name")?.schema, ConnectSchema.string.documented("the name"))
        let either = try XCTUnwrap(person.field(named: "either")?.schema)
        XCTAssertEqual(either.name, "io.confluent.connect.json.OneOf")
        XCTAssertEqual(either.fields.map(\.name), ["io.confluent.connect.json.OneOf.field.0", "io.confluent.connect.json.OneOf.field.1"])
        XCTAssertEqual(either.fields.map(\.schema), [.optionalInt64, .optionalString])
        XCTAssertEqual(person.field(named: "kind")?.schema.parameters,
                       [.init("io.confluent.connect.json.Enum", ""), .init("io.confluent.connect.json.Enum.A", "A"), .init("io.confluent.connect.json.Enum.B", "B")])
        XCTAssertEqual(person.field(named: "maybe")?.schema, .optionalBoolean)
        XCTAssertEqual(person.field(named: "list")?.schema, .array(.string))

        for unsupported in [##"{"$ref":"#/definitions/x"}"##, #"{"allOf":[{"type":"string"}]}"#, #"{"type":["string","null"]}"#,
                            #"{}"#, #"{"type":"array"}"#, #"{"type":"integer","connect.type":"huge"}"#, #"[1]"#] {
            XCTAssertThrowsError(try reader.connectSchema(for: JSONParser.parse(unsupported)), unsupported)
        }
    }

    func testValuesBecomeJsonAsConfluentWritesThem() throws {
        let schema = try Self.orderSchema()
        let json = try XCTUnwrap(ConnectJsonSchemaValues().json(.struct(Self.orderValue(schema)), schema: schema))
        XCTAssertEqual(json.compactText,
                       #"{"i8":-8,"i16":300,"i32":2147483647,"i64":-9223372036854775808,"f32":0.5,"f64":-1.0E300,"b":true,"#
                       + #""s":"héllo \"q\"","y":"AP8H","note":"n","tags":["a","b"],"counts":{"k":2},"#
                       + #""byId":[{"key":9,"value":"nine"},{"key":10,"value":null}],"inner":{"x":"in"},"price":"BNI=","qty":5}"#)
        // A null field with a default is written as the default; a null optional field as null.
        let sparse = try ConnectStruct(schema: schema).putting("i8", .int8(0)).putting("i16", .int16(0)).putting("i32", .int32(0))
            .putting("i64", .int64(0)).putting("f32", .float32(0)).putting("f64", .float64(0)).putting("b", .boolean(false))
            .putting("s", .string("")).putting("y", .bytes([])).putting("tags", .array([])).putting("counts", .map([]))
            .putting("byId", .map([])).putting("price", .decimal(ConnectDecimal(0, scale: 2)))
        let sparseJSON = try XCTUnwrap(ConnectJsonSchemaValues().json(.struct(sparse), schema: schema))
        XCTAssertEqual(sparseJSON["qty"], JSONValue(integer: 1))
        XCTAssertEqual(sparseJSON["note"], .null)
        XCTAssertEqual(sparseJSON["inner"], .null)
        let numeric = ConnectJsonSchemaValues(decimalFormat: .numeric)
        XCTAssertEqual(try numeric.json(.decimal(ConnectDecimal(1234, scale: 2)), schema: ConnectLogicalType.decimalSchema(scale: 2)), .number("12.34"))
        XCTAssertThrowsError(try ConnectJsonSchemaValues().json(.null, schema: .int32))
        XCTAssertThrowsError(try ConnectJsonSchemaValues().json(.float64(.nan), schema: .float64))
        XCTAssertThrowsError(try ConnectJsonSchemaValues().json(.string("x"), schema: .int32))
    }

    func testRecordsRoundTripThroughTheRegistry() async throws {
        let registry = TypedFakeRegistry()
        let converter = try JsonSchemaConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try Self.orderSchema()
        let value = try Self.orderValue(schema)
        let written = try await converter.fromConnectData(topic: "orders", schema: schema, value: .struct(value))
        let framed = try XCTUnwrap(written)
        XCTAssertEqual(Array(framed.prefix(5)), [0, 0, 0, 0, 1])
        XCTAssertEqual(try JSONParser.parse(Array(framed.dropFirst(5))), try ConnectJsonSchemaValues().json(.struct(value), schema: schema))
        let subjectIDs = await registry.subjectIDs("orders-value")
        XCTAssertEqual(subjectIDs, [1])
        let stored = await registry.schemas
        XCTAssertEqual(stored.first?.type, .json)
        let back = try await converter.toConnectData(topic: "orders", bytes: framed)
        XCTAssertEqual(back.schema, schema)
        XCTAssertEqual(back.value, .struct(value))
        // The same schema again uses the cached id; tombstones and nulls pass through.
        let again = try await converter.fromConnectData(topic: "orders", schema: schema, value: .struct(value))
        XCTAssertEqual(again, framed)
        let tombstone = try await converter.fromConnectData(topic: "orders", schema: schema, value: .null)
        XCTAssertNil(tombstone)
        let nothing = try await converter.toConnectData(topic: "orders", bytes: nil)
        XCTAssertEqual(nothing, .null)

        // Keys, logical types and primitives at the top level.
        let keys = try JsonSchemaConverter(configuration: [:], isKey: true, registry: registry)
        for (keySchema, keyValue) in [(ConnectSchema.string, ConnectValue.string("k")), (ConnectLogicalType.dateSchema, .timestamp(86_400_000 * 3)),
                                      (ConnectLogicalType.timeSchema, .timestamp(5000)), (ConnectSchema.optionalInt16, .int16(-2)),
                                      (.array(.optionalFloat32), .array([.float32(1.25), .null]))] {
            let bytes = try await keys.fromConnectData(topic: "orders", schema: keySchema, value: keyValue)
            let read = try await keys.toConnectData(topic: "orders", bytes: bytes)
            XCTAssertEqual(read.schema, keySchema)
            XCTAssertEqual(read.value, keyValue)
        }
        let keyIDs = await registry.subjectIDs("orders-key")
        XCTAssertEqual(keyIDs, [2, 3, 4, 5, 6])

        // A union value reads back into the same OneOf branch.
        var union = ConnectSchema(type: .struct, name: "io.confluent.connect.json.OneOf")
        try union.addField("io.confluent.connect.json.OneOf.field.0", .optionalInt32)
        try union.addField("io.confluent.connect.json.OneOf.field.1", .optionalString)
        let unionValue = ConnectValue.struct(try ConnectStruct(schema: union).putting("io.confluent.connect.json.OneOf.field.1", .string("s")))
        let unionBytes = try await converter.fromConnectData(topic: "u", schema: union, value: unionValue)
        XCTAssertEqual(Array(unionBytes!.dropFirst(5)), Array(#""s""#.utf8))
        let unionBack = try await converter.toConnectData(topic: "u", bytes: unionBytes)
        XCTAssertEqual(unionBack.value, unionValue)
    }

    func testForeignPayloadsAndLatestVersion() async throws {
        let registry = TypedFakeRegistry()
        // A producer registered its own schema and wrote with it.
        let id = await registry.add(#"{"type":"object","properties":{"n":{"type":"integer"},"m":{"type":"object","additionalProperties":{"type":"string"},"connect.type":"map"}}}"#, type: .json)
        let converter = try JsonSchemaConverter(configuration: [:], isKey: false, registry: registry)
        let read = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: id, payload: Array(#"{"n":3.9,"m":{"a":"b"},"extra":1}"#.utf8)))
        let schema = try ConnectSchema.struct([("n", .int64), ("m", .map(.string, .string))])
        XCTAssertEqual(read.schema, schema)
        XCTAssertEqual(read.value, .struct(try ConnectStruct(schema: schema).putting("n", .int64(3)).putting("m", .stringMap([("a", .string("b"))]))))

        let latest = try JsonSchemaConverter(configuration: ["use.latest.version": "true"], isKey: false, registry: registry)
        do {
            _ = try await latest.fromConnectData(topic: "t", schema: .string, value: .string("x"))
            XCTFail("expected an error without a subject")
        } catch {}
        let writer = try JsonSchemaConverter(configuration: [:], isKey: false, registry: registry)
        let written = try await writer.fromConnectData(topic: "t", schema: .string, value: .string("x"))
        let viaLatest = try await latest.fromConnectData(topic: "t", schema: .string, value: .string("x"))
        XCTAssertEqual(viaLatest, written)
        do {
            _ = try await latest.fromConnectData(topic: "t", schema: .int32, value: .int32(1))
            XCTFail("expected an error when the latest version is another schema")
        } catch {}
    }

    func testConverterRefusesWhatItCannotWriteOrRead() async throws {
        let registry = TypedFakeRegistry()
        let converter = try JsonSchemaConverter(configuration: ["auto.register.schemas": "false"], isKey: false, registry: registry)
        do {
            _ = try await converter.fromConnectData(topic: "t", schema: nil, value: .string("x"))
            XCTFail("expected an error for a schemaless value")
        } catch {}
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: [1, 2, 3])
            XCTFail("expected an error for bytes without the magic byte")
        } catch let error as ConnectDataError {
            XCTAssertEqual(error.message, "Failed to deserialize data for topic t to JSON schema: Unknown magic byte!")
        }
        let avroID = await registry.add(#""string""#, type: .avro)
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: avroID, payload: Array(#""x""#.utf8)))
            XCTFail("expected an error for an Avro schema id")
        } catch {}
        XCTAssertThrowsError(try JsonSchemaConverter(configuration: ["value.subject.name.strategy": "Nope"], isKey: false, registry: registry))
        XCTAssertThrowsError(try JsonSchemaConverter(configuration: ["decimal.format": "HEX"], isKey: false, registry: registry))
        let byRecord = try JsonSchemaConverter(configuration: ["value.subject.name.strategy": "TopicRecordNameStrategy"], isKey: false, registry: registry)
        let subject = try await byRecord.subject(topic: "t", schema: try ConnectSchema.struct(name: "com.acme.R", [("a", .int8)]))
        XCTAssertEqual(subject, "t-com.acme.R")
    }

    func testFactoryBuildsTheJsonSchemaConverter() throws {
        let props = ["value.converter.schema.registry.url": "http://127.0.0.1:8081"]
        let converter = try ConnectConverters.makeAsync(className: "io.confluent.connect.json.JsonSchemaConverter", properties: props,
                                                        prefix: "value.converter.", isKey: false, configKey: "value.converter") { try SchemaRegistryClient(url: $0) }
        XCTAssertTrue(converter is JsonSchemaConverter)
        let avro = try ConnectConverters.makeAsync(className: "io.confluent.connect.avro.AvroConverter", properties: props,
                                                   prefix: "value.converter.", isKey: false, configKey: "value.converter") { try SchemaRegistryClient(url: $0) }
        XCTAssertTrue(avro is AvroConverter)
    }

    func testHostilePayloadsNeverCrashTheReader() async throws {
        let registry = TypedFakeRegistry()
        let converter = try JsonSchemaConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try Self.orderSchema()
        let good = try await converter.fromConnectData(topic: "t", schema: schema, value: .struct(Self.orderValue(schema)))!
        var rng = SystemRandomNumberGenerator()
        let extremes = ["1e999999", "-0", "99999999999999999999999", "\"\\ud800\"", "[[[[[[[[[[", "{\"i8\":{}}", "null", "\u{0}"]
        var decoded = 0
        for round in 0..<1500 {
            var bytes = good
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1: bytes[Int.random(in: 5..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2:
                // Splice an extreme token where a value starts.
                let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
                let at = colons.randomElement(using: &rng)! + 1
                bytes.insert(contentsOf: Array(extremes[round % extremes.count].utf8), at: at)
            default: bytes += (0..<Int.random(in: 1...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            if (try? await converter.toConnectData(topic: "t", bytes: bytes)) != nil { decoded += 1 }
        }
        // Unknown ids and deep nesting fail cleanly too.
        let unknown = try? await converter.toConnectData(topic: "t", bytes: [0, 0, 0, 0, 99] + Array("{}".utf8))
        XCTAssertNil(unknown)
        let deep = try? await converter.toConnectData(topic: "t", bytes: [0, 0, 0, 0, 1] + Array(String(repeating: "[", count: 100_000).utf8))
        XCTAssertNil(deep)
        XCTAssertLessThan(decoded, 1500)
    }

    func testHostileSchemaDocumentsNeverCrashTheSchemaReader() throws {
        let good = try ConnectToJsonSchema(values: .init()).document(for: Self.orderSchema()).compactText
        var rng = SystemRandomNumberGenerator()
        let reader = JsonSchemaToConnect(values: .init())
        for _ in 0..<1000 {
            var bytes = Array(good.utf8)
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 32...126, using: &rng)
            if let document = try? JSONParser.parse(bytes) { _ = try? reader.connectSchema(for: document) }
        }
    }
}
