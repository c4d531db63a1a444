@testable import BrookConnect
import BrookRegistryClient
import BrookSchemas
import XCTest

final class ProtobufConverterTests: XCTestCase {
    private func orderValue(_ schema: ConnectSchema) throws -> ConnectStruct {
        let inner = try ConnectStruct(schema: schema.field(named: "inner")!.schema).putting("x", .string("in"))
        return try ConnectStruct(schema: schema).putting("i8", .int8(-8)).putting("i16", .int16(300)).putting("i32", .int32(.min))
            .putting("i64", .int64(.max)).putting("f32", .float32(0.1)).putting("f64", .float64(-1e300)).putting("b", .boolean(true))
            .putting("s", .string("héllo")).putting("y", .bytes([0, 255])).putting("note", .string("n"))
            .putting("tags", .array([.string("a"), .string("b")])).putting("counts", .stringMap([("k", .int32(2))]))
            .putting("inner", .struct(inner)).putting("price", .decimal(ConnectDecimal(-1234, scale: 2)))
            .putting("day", .timestamp(86_400_000 * 19_000)).putting("at", .timestamp(45_296_789))
            .putting("created", .timestamp(1_700_000_000_123))
    }

    func testRecordsRoundTripThroughTheRegistryAsConfluentReadsThem() async throws {
        let registry = TypedFakeRegistry()
        let converter = try ProtobufConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try ConnectProtobufTests.orderSchema()
        let value = try orderValue(schema)
        let written = try await converter.fromConnectData(topic: "orders", schema: schema, value: .struct(value))
        let framed = try XCTUnwrap(written)
        XCTAssertEqual(Array(framed.prefix(6)), [0, 0, 0, 0, 1, 0])
        let stored = await registry.schemas
        XCTAssertEqual(stored.map(\.type), [.protobuf])
        XCTAssertEqual(stored.first?.text, try ProtobufSchema(text: ConnectToProtobufSchema.proto(for: schema).text).canonicalString)
        let subjectIDs = await registry.subjectIDs("orders-value")
        XCTAssertEqual(subjectIDs, [1])

        let back = try await converter.toConnectData(topic: "orders", bytes: framed)
        let read = try XCTUnwrap(back.schema)
        // ProtobufData's reading conventions: short message names, every field optional with its tag.
        XCTAssertEqual(read.name, "Order")
        XCTAssertEqual(read.fields.map(\.name), schema.fields.map(\.name))
        XCTAssertEqual(read.field(named: "i64")?.schema, ConnectSchema.optionalInt64.withParameter("io.confluent.connect.protobuf.Tag", "4"))
        XCTAssertEqual(read.field(named: "tags")?.schema, ConnectSchema.array(.optionalString).optional().withParameter("io.confluent.connect.protobuf.Tag", "11"))
        XCTAssertEqual(read.field(named: "counts")?.schema,
                       ConnectSchema.map(ConnectSchema.optionalString.withParameter("io.confluent.connect.protobuf.Tag", "1"),
                                         ConnectSchema.optionalInt32.withParameter("io.confluent.connect.protobuf.Tag", "2"))
                           .named("connect_default1").optional().withParameter("io.confluent.connect.protobuf.Tag", "12"))
        XCTAssertEqual(read.field(named: "inner")?.schema.name, "Inner")
        XCTAssertEqual(read.field(named: "created")?.schema, ConnectLogicalType.timestampSchema.optional().withParameter("io.confluent.connect.protobuf.Tag", "17"))
        guard case let .struct(got)? = Optional(back.value) else { return XCTFail("not a struct: \(back.value)") }
        XCTAssertEqual(try got.get("i8"), .int32(-8), "without field_meta the int8 mark is not visible")
        XCTAssertEqual(try got.get("i64"), .int64(.max))
        XCTAssertEqual(try got.get("f32"), .float32(0.1))
        XCTAssertEqual(try got.get("s"), .string("héllo"))
        XCTAssertEqual(try got.get("y"), .bytes([0, 255]))
        XCTAssertEqual(try got.get("tags"), .array([.string("a"), .string("b")]))
        XCTAssertEqual(try got.get("counts"), .stringMap([("k", .int32(2))]))
        XCTAssertEqual(try got.get("inner").structValue?.get("x"), .string("in"))
        XCTAssertEqual(try got.get("price"), .decimal(ConnectDecimal(-1234, scale: 2)))
        XCTAssertEqual(try got.get("day"), .timestamp(86_400_000 * 19_000))
        XCTAssertEqual(try got.get("at"), .timestamp(45_296_789))
        XCTAssertEqual(try got.get("created"), .timestamp(1_700_000_000_123))

        // What was read writes again (a Connect schema with tags) and reads back the same.
        let again = try await converter.fromConnectData(topic: "copy", schema: read, value: back.value)
        let againBack = try await converter.toConnectData(topic: "copy", bytes: again)
        XCTAssertEqual(againBack.value, back.value)

        let tombstone = try await converter.fromConnectData(topic: "orders", schema: schema, value: .null)
        XCTAssertNil(tombstone)
        let nothing = try await converter.toConnectData(topic: "orders", bytes: nil)
        XCTAssertEqual(nothing, .null)
    }

    func testPrimitiveRootsTravelInWrapperMessages() async throws {
        let registry = TypedFakeRegistry()
        let converter = try ProtobufConverter(configuration: [:], isKey: true, registry: registry)
        let cases: [(ConnectSchema, ConnectValue, ConnectSchema, ConnectValue, UInt8)] = [
            (.string, .string("k"), .string, .string("k"), 7),
            (.int8, .int8(-2), .int32, .int32(-2), 4),
            (.int64, .int64(.min), .int64, .int64(.min), 2),
            (.float64, .float64(2.5), .float64, .float64(2.5), 0),
            (.bytes, .bytes([1, 2]), .bytes, .bytes([1, 2]), 8),
            (.boolean, .boolean(true), .boolean, .boolean(true), 6),
        ]
        for (schema, value, readSchema, readValue, index) in cases {
            let bytes = try await converter.fromConnectData(topic: "t", schema: schema, value: value)
            let framed = try XCTUnwrap(bytes)
            // The zig-zag count 1 and index of the wrapper in wrappers.proto; index 0 is the single byte 0.
            if index == 0 {
                XCTAssertEqual(framed[5], 0, "\(schema)")
            } else {
                XCTAssertEqual(Array(framed[5...6]), [2, index * 2], "\(schema)")
            }
            let back = try await converter.toConnectData(topic: "t", bytes: framed)
            XCTAssertEqual(back.schema, readSchema)
            XCTAssertEqual(back.value, readValue)
        }
        let stored = await registry.schemas
        XCTAssertEqual(stored.count, 1, "every wrapper shares the wrappers.proto schema")
    }

    func testNestedMessagesOfForeignSchemasAreReadByTheirIndexes() async throws {
        let registry = TypedFakeRegistry()
        let text = """
        syntax = "proto3";
        package shop;
        message Outer { string a = 1; }
        message Item {
          uint32 count = 3;
          sint64 delta = 5;
          map<string, int64> attrs = 7;
          Outer outer = 9;
        }
        """
        let proto = try ProtobufSchema(text: text)
        let id = await registry.add(text, type: .protobuf)
        let payload = try proto.encodeConfluentPayload(.object([("count", .number("7")), ("delta", .number("-3")),
                                                                ("attrs", .object([("x", .number("1"))])), ("outer", .object([("a", .string("z"))]))]),
                                                        messageFullName: "shop.Item")
        let converter = try ProtobufConverter(configuration: [:], isKey: true, registry: registry)
        let read = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: id, payload: payload))
        let schema = try XCTUnwrap(read.schema)
        XCTAssertEqual(schema.name, "Item")
        XCTAssertEqual(schema.field(named: "count")?.schema.parameter("io.confluent.connect.protobuf.Type"), "uint32")
        XCTAssertEqual(schema.field(named: "attrs")?.schema.type, .map)
        guard case let .struct(value) = read.value else { return XCTFail("not a struct") }
        XCTAssertEqual(try value.get("count"), .int64(7))
        XCTAssertEqual(try value.get("delta"), .int64(-3))
        XCTAssertEqual(try value.get("attrs"), .stringMap([("x", .int64(1))]))
        XCTAssertEqual(try value.get("outer").structValue?.get("a"), .string("z"))
    }

    func testConverterRefusesWhatItCannotWriteOrRead() async throws {
        let registry = TypedFakeRegistry()
        let converter = try ProtobufConverter(configuration: [:], isKey: false, registry: registry)
        for (schema, value) in [(ConnectSchema?.none, ConnectValue.string("x")), (.array(.string), .array([.string("x")]))] {
            do {
                _ = try await converter.fromConnectData(topic: "t", schema: schema, value: value)
                XCTFail("expected an error for \(String(describing: schema))")
            } catch {}
        }
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: [1, 2, 3])
            XCTFail("expected an error for bytes without the magic byte")
        } catch let error as ConnectDataError {
            XCTAssertEqual(error.message, "Failed to deserialize data for topic t to Protobuf: Unknown magic byte!")
        }
        let oneof = await registry.add("syntax = \"proto3\";\nmessage M { oneof v { string a = 1; int32 b = 2; } }\n", type: .protobuf)
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: oneof, payload: [0, 10, 1, 65]))
            XCTFail("expected an error for a oneof")
        } catch {}
        let recursive = await registry.add("syntax = \"proto3\";\nmessage Node { Node next = 1; }\n", type: .protobuf)
        do {
            _ = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: recursive, payload: [0]))
            XCTFail("expected an error for a recursive message")
        } catch let error as ConnectDataError {
            XCTAssertTrue(error.message.contains("recursive"), error.message)
        }
        let big = await registry.add("syntax = \"proto3\";\nmessage U { uint64 v = 1; }\n", type: .protobuf)
        let wrapped = try await converter.toConnectData(topic: "t", bytes: SchemaWireFormat.frame(schemaId: big, payload: [0, 8] + [UInt8](repeating: 0xFF, count: 9) + [1]))
        XCTAssertEqual(try wrapped.value.structValue?.get("v"), .int64(-1))
        let latest = try ProtobufConverter(configuration: ["use.latest.version": "true"], isKey: false, registry: registry)
        let schema = try ConnectSchema.struct(name: "R", [("a", .string)])
        let value = ConnectValue.struct(try ConnectStruct(schema: schema).putting("a", .string("v")))
        do {
            _ = try await latest.fromConnectData(topic: "t", schema: schema, value: value)
            XCTFail("expected an error without a subject")
        } catch {}
        let written = try await converter.fromConnectData(topic: "t", schema: schema, value: value)
        let viaLatest = try await latest.fromConnectData(topic: "t", schema: schema, value: value)
        XCTAssertEqual(viaLatest, written)
        let byRecord = try ProtobufConverter(configuration: ["value.subject.name.strategy": "RecordNameStrategy"], isKey: false, registry: registry)
        let subject = await byRecord.subject(topic: "t", messageFullName: "com.acme.R")
        XCTAssertEqual(subject, "com.acme.R")
        let factoryMade = try ConnectConverters.makeAsync(className: "io.confluent.connect.protobuf.ProtobufConverter",
                                                          properties: ["key.converter.schema.registry.url": "http://127.0.0.1:8081"],
                                                          prefix: "key.converter.", isKey: true, configKey: "key.converter") { try SchemaRegistryClient(url: $0) }
        XCTAssertTrue(factoryMade is ProtobufConverter)
    }

    func testHostilePayloadsNeverCrashTheConverter() async throws {
        let registry = TypedFakeRegistry()
        let converter = try ProtobufConverter(configuration: [:], isKey: false, registry: registry)
        let schema = try ConnectProtobufTests.orderSchema()
        let good = try await converter.fromConnectData(topic: "t", schema: schema, value: .struct(orderValue(schema)))!
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1500 {
            var bytes = good
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1: bytes[Int.random(in: 5..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes[5] = UInt8.random(in: 0...255, using: &rng)  // hostile message indexes
            default: bytes += (0..<Int.random(in: 1...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            _ = try? await converter.toConnectData(topic: "t", bytes: bytes)
        }
    }
}
