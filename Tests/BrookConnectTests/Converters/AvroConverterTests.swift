@testable import BrookConnect
import BrookRegistryClient
import BrookSchemas
import XCTest

/// An in-memory registry: ids from 1, one id per distinct schema text, versions per subject.
private actor FakeRegistry: SchemaRegistryLookups {
    var schemas: [String] = []
    var subjects: [String: [Int32]] = [:]

    func register(subject: String, schema: String, type: SchemaType, references: [SchemaReference], normalize: Bool) async throws -> Int32 {
        let id: Int32
        if let index = schemas.firstIndex(of: schema) {
            id = Int32(index + 1)
        } else {
            schemas.append(schema)
            id = Int32(schemas.count)
        }
        if !(subjects[subject] ?? []).contains(id) { subjects[subject, default: []].append(id) }
        return id
    }

    func schema(id: Int32) async throws -> (schema: String, type: SchemaType, references: [SchemaReference]) {
        guard id >= 1, Int(id) <= schemas.count else { throw ConnectDataError("Schema \(id) not found") }
        return (schemas[Int(id) - 1], .avro, [])
    }

    func version(subject: String, version: String, deleted: Bool) async throws -> SchemaRegistryClient.SubjectVersion {
        guard let ids = subjects[subject], let id = ids.last else { throw ConnectDataError("Subject \(subject) not found") }
        return .init(subject: subject, id: id, version: ids.count, schemaType: .avro, schema: schemas[Int(id) - 1], references: [])
    }

    func subjectIDs(_ subject: String) -> [Int32] { subjects[subject] ?? [] }
}

final class AvroConverterTests: XCTestCase {
    private func ordersSchema() throws -> ConnectSchema {
        try ConnectSchema.struct(name: "server.db.orders.Value", [
            ("id", .int32),
            ("amount", ConnectLogicalType.decimalSchema(scale: 2).optional()),
            ("created", ConnectLogicalType.timestampSchema),
            ("note", .optionalString),
            ("tiny", .int8),
        ])
    }

    func testConnectSchemasBecomeAvroAsConfluentWritesThem() throws {
        // The shape Debezium's Avro schemas have (AvroData with connect.meta.data=true).
        let json = try ConnectToAvroSchema.avroJSON(for: ordersSchema())
        let expected = #"{"type":"record","name":"Value","namespace":"server.db.orders","fields":["#
            + #"{"name":"id","type":"int"},"#
            + #"{"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null},"#
            + #"{"name":"created","type":{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}},"#
            + #"{"name":"note","type":["null","string"],"default":null},"#
            + #"{"name":"tiny","type":{"type":"int","connect.type":"int8"}}],"#
            + #""connect.name":"server.db.orders.Value"}"#
        XCTAssertEqual(json.compactText, expected)
        XCTAssertEqual(try AvroSchema.parse(json.compactText).canonicalString, expected)

        let unnamed = try ConnectSchema.struct([("a", .string), ("b", try ConnectSchema.struct([("c", ConnectSchema.int64.withDefault(.int64(5)))]))])
        XCTAssertEqual(try ConnectToAvroSchema.avroJSON(for: unnamed).compactText,
                       #"{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":"string"},"#
                       + #"{"name":"b","type":{"type":"record","name":"ConnectDefault2","namespace":"io.confluent.connect.avro","fields":[{"name":"c","type":{"type":"long","connect.default":5},"default":5}]}}]}"#)
        XCTAssertEqual(try ConnectToAvroSchema.avroJSON(for: .map(.int32, .optionalString)).compactText,
                       #"{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":["null","string"],"default":null}]}}"#)
        XCTAssertEqual(try ConnectToAvroSchema.avroJSON(for: ConnectSchema.optionalInt16.withDefault(.int16(3)).documented("d")).compactText,
                       #"[{"type":"int","connect.doc":"d","connect.default":3,"connect.type":"int16"},"null"]"#)
    }

    func testAvroSchemasBecomeConnectSchemas() throws {
        let avro = try AvroSchema.parse(#"""
        {"type":"record","name":"User","namespace":"com.acme","doc":"a user","fields":[
          {"name":"id","type":"long"},
          {"name":"name","type":["null","string"],"default":null},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
          {"name":"either","type":["int","string"]},
          {"name":"hash","type":{"type":"fixed","name":"Hash","size":2}},
          {"name":"tags","type":{"type":"map","values":"int"}},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"score","type":"double","default":1.5}
        ]}
        """#)
        let schema = try AvroToConnectSchema.connectSchema(for: avro)
        XCTAssertEqual(schema.name, "com.acme.User")
        XCTAssertEqual(schema.parameter("io.confluent.connect.avro.record.doc"), "a user")
        XCTAssertEqual(schema.field(named: "id")?.schema, .int64)
        XCTAssertEqual(schema.field(named: "name")?.schema, .optionalString)
        let kind = try XCTUnwrap(schema.field(named: "kind")?.schema)
        XCTAssertEqual(kind.type, .string)
        XCTAssertEqual(kind.name, "com.acme.Kind")
        XCTAssertEqual(kind.parameters, [.init("io.confluent.connect.avro.Enum", "com.acme.Kind"),
                                         .init("io.confluent.connect.avro.Enum.A", "A"), .init("io.confluent.connect.avro.Enum.B", "B")])
        let either = try XCTUnwrap(schema.field(named: "either")?.schema)
        XCTAssertEqual(either.name, "io.confluent.connect.avro.Union")
        XCTAssertEqual(either.fields.map(\.name), ["int", "string"])
        XCTAssertEqual(schema.field(named: "hash")?.schema.parameter("connect.fixed.size"), "2")
        XCTAssertEqual(schema.field(named: "tags")?.schema, .map(.string, .int32))
        XCTAssertEqual(schema.field(named: "day")?.schema, ConnectLogicalType.dateSchema)
        XCTAssertEqual(schema.field(named: "score")?.schema.defaultValue, .float64(1.5))
        XCTAssertEqual(schema.field(named: "score")?.schema.parameter("io.confluent.connect.avro.field.default"), "true")

        let recursive = try AvroSchema.parse(#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#)
        XCTAssertThrowsError(try AvroToConnectSchema.connectSchema(for: recursive))
    }

    func testRecordsRoundTripThroughTheRegistry() async throws {
        let registry = FakeRegistry()
        let converter = try AvroConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try ordersSchema()
        let value = try ConnectStruct(schema: schema).putting("id", .int32(7)).putting("amount", .decimal(ConnectDecimal(1234, scale: 2)))
            .putting("created", .timestamp(1_700_000_000_000)).putting("tiny", .int8(-3))
        let bytes = try await converter.fromConnectData(topic: "orders", schema: schema, value: .struct(value))
        let framed = try XCTUnwrap(bytes)
        XCTAssertEqual(Array(framed.prefix(5)), [0, 0, 0, 0, 1])
        let subjectIDs = await registry.subjectIDs("orders-value")
        XCTAssertEqual(subjectIDs, [1])
        let back = try await converter.toConnectData(topic: "orders", bytes: framed)
        XCTAssertEqual(back.schema, schema)
        XCTAssertEqual(back.value, .struct(value))
        let tombstone = try await converter.fromConnectData(topic: "orders", schema: schema, value: .null)
        XCTAssertNil(tombstone)
        let nothing = try await converter.toConnectData(topic: "orders", bytes: nil)
        XCTAssertEqual(nothing, .null)

        // Every Connect type survives the trip.
        let all = try ConnectSchema.struct(name: "all", [
            ("i16", .int16), ("i64", .int64), ("f32", .float32), ("f64", .float64), ("b", .boolean), ("y", .bytes),
            ("arr", .array(.optionalInt32)), ("m", .map(.string, .int64)), ("m2", .map(.int64, .string)),
            ("d", ConnectLogicalType.dateSchema), ("t", ConnectLogicalType.timeSchema.optional()),
            ("n", try ConnectSchema.struct(name: "inner", [("x", .string)]).optional()),
            ("def", ConnectSchema.optionalString.withDefault(.string("z"))),
        ])
        let inner = try ConnectStruct(schema: all.field(named: "n")!.schema).putting("x", .string("in"))
        let allValue = try ConnectStruct(schema: all).putting("i16", .int16(300)).putting("i64", .int64(.min)).putting("f32", .float32(0.5))
            .putting("f64", .float64(-1e300)).putting("b", .boolean(true)).putting("y", .bytes([0, 255]))
            .putting("arr", .array([.int32(1), .null])).putting("m", .stringMap([("k", .int64(2))]))
            .putting("m2", .map([.init(.int64(9), .string("nine"))])).putting("d", .timestamp(86_400_000 * 3))
            .putting("t", .timestamp(5000)).putting("n", .struct(inner)).putting("def", .string("given"))
        let keyConverter = try AvroConverter(configuration: [:], isKey: true, registry: registry)
        let allBytes = try await keyConverter.fromConnectData(topic: "orders", schema: all, value: .struct(allValue))
        let allBack = try await keyConverter.toConnectData(topic: "orders", bytes: allBytes)
        XCTAssertEqual(allBack.value, .struct(allValue))
        XCTAssertEqual(allBack.schema, all)
        let keyIDs = await registry.subjectIDs("orders-key")
        XCTAssertEqual(keyIDs, [2])
    }

    func testConverterRefusesWhatItCannotWriteOrRead() async throws {
        let registry = FakeRegistry()
        let converter = try AvroConverter(configuration: ["auto.register.schemas": "false"], isKey: false, registry: registry)
        do {
            _ = try await converter.fromConnectData(topic: "t", schema: .string, value: .string("x"))
            XCTFail("expected an error without a registered schema")
        } catch {}
        do {
            _ = try await converter.fromConnectData(topic: "t", schema: nil, value: .string("x"))
            XCTFail("expected an error for a schemaless value")
        } catch {}
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: [1, 2, 3])
            XCTFail("expected an error for bytes without the magic byte")
        } catch let error as ConnectDataError {
            XCTAssertEqual(error.message, "Failed to deserialize data for topic t to Avro: Unknown magic byte!")
        }
        XCTAssertThrowsError(try AvroConverter(configuration: ["value.subject.name.strategy": "Nope"], isKey: false, registry: registry))
        let byRecord = try AvroConverter(configuration: ["value.subject.name.strategy": "RecordNameStrategy"], isKey: false, registry: registry)
        let subject = try await byRecord.subject(topic: "t", schema: try ConnectSchema.struct(name: "com.acme.R", [("a", .int8)]))
        XCTAssertEqual(subject, "com.acme.R")
    }

    func testRandomPayloadsAfterAValidHeaderNeverCrashTheReader() async throws {
        let registry = FakeRegistry()
        let converter = try AvroConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try ordersSchema()
        let value = try ConnectStruct(schema: schema).putting("id", .int32(1)).putting("created", .timestamp(0)).putting("tiny", .int8(1))
        let good = try await converter.fromConnectData(topic: "t", schema: schema, value: .struct(value))!
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var bytes = good
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1: bytes[Int.random(in: 5..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            default: bytes += (0..<Int.random(in: 1...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            _ = try? await converter.toConnectData(topic: "t", bytes: bytes)
        }
    }
}

final class AsyncConverterFactoryTests: XCTestCase {
    func testRegistryConvertersAreBuiltWithTheGivenRegistry() throws {
        let props = ["value.converter.schema.registry.url": "http://127.0.0.1:8081", "value.converter.auto.register.schemas": "true"]
        var seenURL: String?
        let converter = try ConnectConverters.makeAsync(className: "io.confluent.connect.avro.AvroConverter", properties: props,
                                                        prefix: "value.converter.", isKey: false, configKey: "value.converter") { url in
            seenURL = url
            return try SchemaRegistryClient(url: url)
        }
        XCTAssertTrue(converter is AvroConverter)
        XCTAssertEqual(seenURL, "http://127.0.0.1:8081")
        XCTAssertThrowsError(try ConnectConverters.makeAsync(className: "AvroConverter", properties: [:], prefix: "key.converter.", isKey: true,
                                                             configKey: "key.converter") { try SchemaRegistryClient(url: $0) }) { error in
            XCTAssertEqual((error as? ConnectConfigError)?.key, "key.converter.schema.registry.url")
        }
        let json = try ConnectConverters.makeAsync(className: "org.apache.kafka.connect.json.JsonConverter", properties: [:], prefix: "x.",
                                                   isKey: true, configKey: "key.converter") { try SchemaRegistryClient(url: $0) }
        XCTAssertTrue(json is JsonConverter)
    }
}
