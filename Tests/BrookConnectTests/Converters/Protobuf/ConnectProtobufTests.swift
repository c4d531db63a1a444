@testable import BrookConnect
import BrookSchemas
import XCTest

final class ConnectProtobufTests: XCTestCase {
    static func orderSchema() throws -> ConnectSchema {
        try ConnectSchema.struct(name: "com.acme.Order", [
            ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64), ("f32", .float32), ("f64", .float64),
            ("b", .boolean), ("s", .string), ("y", .bytes),
            ("note", .optionalString),
            ("tags", .array(.string)),
            ("counts", .map(.string, .int32)),
            ("inner", try ConnectSchema.struct(name: "com.acme.Inner", [("x", .string)]).optional()),
            ("price", ConnectLogicalType.decimalSchema(scale: 2)),
            ("day", ConnectLogicalType.dateSchema),
            ("at", ConnectLogicalType.timeSchema),
            ("created", ConnectLogicalType.timestampSchema),
        ])
    }

    func testConnectSchemasBecomeProtoFilesAsConfluentWritesThem() throws {
        let (text, name) = try ConnectToProtobufSchema.proto(for: Self.orderSchema())
        XCTAssertEqual(name, "com.acme.Order")
        XCTAssertEqual(text, """
        syntax = "proto3";
        package com.acme;

        import "confluent/meta.proto";
        import "confluent/type/decimal.proto";
        import "google/type/date.proto";
        import "google/type/timeofday.proto";
        import "google/protobuf/timestamp.proto";

        message Order {
          int32 i8 = 1 [(confluent.field_meta) = { params: [{ key: "connect.type", value: "int8" }] }];
          int32 i16 = 2 [(confluent.field_meta) = { params: [{ key: "connect.type", value: "int16" }] }];
          int32 i32 = 3;
          int64 i64 = 4;
          float f32 = 5;
          double f64 = 6;
          bool b = 7;
          string s = 8;
          bytes y = 9;
          string note = 10;
          repeated string tags = 11;
          repeated ConnectDefault1Entry counts = 12;
          Inner inner = 13;
          confluent.type.Decimal price = 14 [(confluent.field_meta) = { params: [{ key: "scale", value: "2" }] }];
          google.type.Date day = 15;
          google.type.TimeOfDay at = 16;
          google.protobuf.Timestamp created = 17;

          message ConnectDefault1Entry {
            string key = 1;
            int32 value = 2;
          }

          message Inner {
            string x = 1;
          }
        }

        """)
        let parsed = try ProtobufSchema(text: text)
        XCTAssertEqual(parsed.messageFullNames, ["com.acme.Order", "com.acme.Order.ConnectDefault1Entry", "com.acme.Order.Inner"])

        let unnamed = try ConnectToProtobufSchema.proto(for: ConnectSchema.struct([("inner", ConnectSchema.struct([("a", .int8)]))]))
        XCTAssertEqual(unnamed.messageFullName, "ConnectDefault1")
        XCTAssertTrue(unnamed.text.contains("  ConnectDefault2 inner = 1"), unnamed.text)
        XCTAssertNoThrow(try ProtobufSchema(text: unnamed.text))
        let tagged = try ConnectSchema.struct(name: "T", [("a", ConnectSchema.string.withParameter("io.confluent.connect.protobuf.Tag", "7")), ("b", .int64)])
        XCTAssertTrue(try ConnectToProtobufSchema.proto(for: tagged).text.hasSuffix("message T {\n  string a = 7;\n  int64 b = 1;\n}\n"))
        XCTAssertThrowsError(try ConnectToProtobufSchema.proto(for: .string))
        XCTAssertThrowsError(try ConnectToProtobufSchema.proto(for: ConnectSchema.struct([("nested", .array(.array(.int32)))])))
    }

    func testValuesRoundTripThroughProtobufBinary() throws {
        let schema = try Self.orderSchema()
        let inner = try ConnectStruct(schema: schema.field(named: "inner")!.schema).putting("x", .string("in"))
        let value = try ConnectStruct(schema: schema).putting("i8", .int8(-8)).putting("i16", .int16(300)).putting("i32", .int32(.min))
            .putting("i64", .int64(.max)).putting("f32", .float32(0.1)).putting("f64", .float64(-1e300)).putting("b", .boolean(true))
            .putting("s", .string("héllo")).putting("y", .bytes([0, 255])).putting("note", .string("n"))
            .putting("tags", .array([.string("a"), .string("b")])).putting("counts", .stringMap([("k", .int32(2)), ("l", .int32(0))]))
            .putting("inner", .struct(inner)).putting("price", .decimal(ConnectDecimal(-1234, scale: 2)))
            .putting("day", .timestamp(86_400_000 * 19_000)).putting("at", .timestamp(45_296_789))
            .putting("created", .timestamp(1_700_000_000_123))
        let (text, name) = try ConnectToProtobufSchema.proto(for: schema)
        let proto = try ProtobufSchema(text: text)
        let json = try XCTUnwrap(ConnectProtobufValues.json(.struct(value), schema: schema))
        let payload = try proto.encodeConfluentPayload(json, messageFullName: name)
        XCTAssertEqual(payload.first, 0, "the root message's index list is the single byte 0")
        let decoded = try proto.decodeConfluentPayload(payload)
        XCTAssertEqual(decoded.messageFullName, name)
        XCTAssertEqual(try ConnectProtobufValues.connect(decoded.json, schema: schema), .struct(value))

        // Nulls are not representable: an unset optional string reads back as "", an unset struct as null.
        let sparse = try ConnectStruct(schema: schema).putting("i8", .int8(0)).putting("i16", .int16(0)).putting("i32", .int32(0))
            .putting("i64", .int64(0)).putting("f32", .float32(0)).putting("f64", .float64(0)).putting("b", .boolean(false))
            .putting("s", .string("")).putting("y", .bytes([])).putting("tags", .array([])).putting("counts", .map([]))
            .putting("price", .decimal(ConnectDecimal(5, scale: 2))).putting("day", .timestamp(0)).putting("at", .timestamp(0)).putting("created", .timestamp(-1))
        let sparseBytes = try proto.encodeConfluentPayload(XCTUnwrap(ConnectProtobufValues.json(.struct(sparse), schema: schema)), messageFullName: name)
        let sparseBack = try ConnectProtobufValues.connect(proto.decodeConfluentPayload(sparseBytes).json, schema: schema)
        XCTAssertEqual(sparseBack, .struct(try sparse.putting("note", .string(""))))
    }

    func testTimestampsAndDatesConvertBothWays() throws {
        for millis: Int64 in [0, -1, 1, 999, 86_399_999, -86_400_000 * 365 * 500, 253_402_300_799_999] {
            guard case let .string(text)? = try ConnectProtobufValues.json(.timestamp(millis), schema: ConnectLogicalType.timestampSchema) else {
                return XCTFail("no text for \(millis)")
            }
            XCTAssertEqual(ConnectProtobufValues.parseTimestamp(text), millis, text)
        }
        XCTAssertEqual(try ConnectProtobufValues.json(.timestamp(1_700_000_000_123), schema: ConnectLogicalType.timestampSchema), .string("2023-11-14T22:13:20.123Z"))
        XCTAssertThrowsError(try ConnectProtobufValues.json(.timestamp(.max), schema: ConnectLogicalType.timestampSchema))
        for bad in ["", "2023-11-14", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20.1234567890Z", "x023-11-14T22:13:20Z"] {
            XCTAssertNil(ConnectProtobufValues.parseTimestamp(bad), bad)
        }
        XCTAssertEqual(ConnectProtobufValues.civil(days: 19_000).0, 2022)
    }

    func testHostilePayloadsNeverCrashTheReader() throws {
        let schema = try Self.orderSchema()
        let (text, name) = try ConnectToProtobufSchema.proto(for: schema)
        let proto = try ProtobufSchema(text: text)
        let value = try ConnectStruct(schema: schema).putting("i8", .int8(1)).putting("i16", .int16(2)).putting("i32", .int32(3))
            .putting("i64", .int64(4)).putting("f32", .float32(5)).putting("f64", .float64(6)).putting("b", .boolean(true))
            .putting("s", .string("seven")).putting("y", .bytes([8])).putting("tags", .array([.string("t")]))
            .putting("counts", .stringMap([("c", .int32(9))])).putting("price", .decimal(ConnectDecimal(10, scale: 2)))
            .putting("day", .timestamp(0)).putting("at", .timestamp(1)).putting("created", .timestamp(2))
        let good = try proto.encodeConfluentPayload(XCTUnwrap(ConnectProtobufValues.json(.struct(value), schema: schema)), messageFullName: name)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = good
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            default: bytes += (0..<Int.random(in: 1...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            if let decoded = try? proto.decodeConfluentPayload(bytes) {
                _ = try? ConnectProtobufValues.connect(decoded.json, schema: schema)
            }
        }
    }
}
