@testable import BrookConnect
import XCTest

final class FieldTransformTests: XCTestCase {
    private let simpleSchema = try! ConnectSchema.struct(name: "name", [("magic", .int64)]).versioned(1).documented("doc")

    // Values and expectations follow Kafka's InsertFieldTest.
    func testInsertFieldAddsMetadataFieldsToAStruct() throws {
        let transform = try makeTransform("org.apache.kafka.connect.transforms.InsertField$Value", [
            "topic.field": "topic_field!", "partition.field": "partition_field", "offset.field": "offset_field",
            "timestamp.field": "timestamp_field?", "static.field": "instance_id", "static.value": "my-instance-id",
        ])
        let value = try ConnectStruct.make(simpleSchema, [("magic", .int64(42))])
        let record = ConnectRecord(topic: "test", kafkaPartition: 0, valueSchema: simpleSchema, value: .struct(value),
                                   timestamp: 1_483_425_001_864, kafkaOffset: 789)
        let out = try XCTUnwrap(try transform.apply(record))
        let schema = try XCTUnwrap(out.valueSchema)
        XCTAssertEqual(schema.name, "name")
        XCTAssertEqual(schema.version, 1)
        XCTAssertEqual(schema.doc, "doc")
        XCTAssertEqual(schema.fields.map(\.name), ["magic", "topic_field", "partition_field", "offset_field", "timestamp_field", "instance_id"])
        XCTAssertEqual(schema.field(named: "topic_field")?.schema, .string)
        XCTAssertEqual(schema.field(named: "partition_field")?.schema, .optionalInt32)
        XCTAssertEqual(schema.field(named: "timestamp_field")?.schema, ConnectLogicalType.timestampSchema.optional())
        let s = try XCTUnwrap(out.value.structValue)
        XCTAssertEqual(try s.get("magic"), .int64(42))
        XCTAssertEqual(try s.get("topic_field"), .string("test"))
        XCTAssertEqual(try s.get("partition_field"), .int32(0))
        XCTAssertEqual(try s.get("offset_field"), .int64(789))
        XCTAssertEqual(try s.get("timestamp_field"), .timestamp(1_483_425_001_864))
        XCTAssertEqual(try s.get("instance_id"), .string("my-instance-id"))
        XCTAssertEqual(out.kafkaOffset, 789)
    }

    func testInsertFieldOnSchemalessMapsTombstonesAndSourceRecords() throws {
        let transform = try makeTransform("InsertField$Value", ["topic.field": "t", "timestamp.field": "ts", "offset.field": "o"])
        let record = ConnectRecord(topic: "test", value: .stringMap([("magic", .int64(42))]), timestamp: 5, kafkaOffset: 9)
        XCTAssertEqual(try transform.apply(record)?.value,
                       .stringMap([("magic", .int64(42)), ("t", .string("test")), ("o", .int64(9)), ("ts", .int64(5))]))
        let tombstone = ConnectRecord(topic: "test", value: .null)
        XCTAssertEqual(try transform.apply(tombstone), tombstone)
        var source = record
        source.kafkaOffset = nil
        XCTAssertEqual(connectMessage { try transform.apply(source) },
                       "Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord")
        XCTAssertEqual(connectMessage { try transform.apply(ConnectRecord(topic: "t", value: .int32(1))) },
                       "Only Map objects supported in absence of schema for [field insertion], found: java.lang.Integer")
        XCTAssertEqual(connectMessage { try makeTransform("InsertField$Key", [:]) }, "No field insertion configured")
        let key = try makeTransform("InsertField$Key", ["static.field": "s", "static.value": "v"])
        XCTAssertEqual(try key.apply(ConnectRecord(topic: "t", key: .stringMap([]), value: .int8(1)))?.key, .stringMap([("s", .string("v"))]))
    }

    func testReplaceFieldIncludesExcludesAndRenames() throws {
        let schema = try ConnectSchema.struct([("dont", .string), ("abc", .int32), ("foo", .boolean), ("etc", .string)])
        let value = try ConnectStruct.make(schema, [("dont", .string("whatever")), ("abc", .int32(42)), ("foo", .boolean(true)), ("etc", .string("etc"))])
        let cases: [([String: String], [(String, ConnectValue)])] = [
            (["exclude": "dont", "renames": "abc:xyz,foo:bar"], [("xyz", .int32(42)), ("bar", .boolean(true)), ("etc", .string("etc"))]),
            (["include": "abc,foo", "renames": "abc:xyz"], [("xyz", .int32(42)), ("foo", .boolean(true))]),
            (["blacklist": "dont,etc"], [("abc", .int32(42)), ("foo", .boolean(true))]),
            (["whitelist": "etc"], [("etc", .string("etc"))]),
            (["include": "abc,foo", "exclude": "foo"], [("abc", .int32(42))]),
        ]
        for (config, expected) in cases {
            let transform = try makeTransform("ReplaceField$Value", config)
            let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
            XCTAssertEqual(out.valueSchema?.fields.map(\.name), expected.map(\.0), "\(config)")
            for (name, v) in expected { XCTAssertEqual(try out.value.structValue?.get(name), v, "\(config)") }
            let schemaless = ConnectRecord(topic: "t", value: .stringMap([("dont", .string("whatever")), ("abc", .int32(42)),
                                                                         ("foo", .boolean(true)), ("etc", .string("etc"))]))
            XCTAssertEqual(try transform.apply(schemaless)?.value, .stringMap(expected), "\(config)")
        }
        XCTAssertEqual(connectMessage { try makeTransform("ReplaceField$Value", ["renames": "a:b:c"]) },
                       "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c")
    }

    func testMaskFieldUsesEmptyValuesOrTheReplacement() throws {
        let schema = try ConnectSchema.struct([
            ("int", .int32), ("long", .int64), ("bool", .boolean), ("str", .string), ("arr", .array(.int8)),
            ("ts", ConnectLogicalType.timestampSchema), ("keep", .string),
        ])
        let value = try ConnectStruct.make(schema, [("int", .int32(42)), ("long", .int64(43)), ("bool", .boolean(true)), ("str", .string("s")),
                                                    ("arr", .array([.int8(1)])), ("ts", .timestamp(99)), ("keep", .string("k"))])
        let masked = try makeTransform("MaskField$Value", ["fields": "int,long,bool,str,arr,ts"])
        let out = try XCTUnwrap(try masked.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value)))?.value.structValue)
        XCTAssertEqual(try out.get("int"), .int32(0))
        XCTAssertEqual(try out.get("long"), .int64(0))
        XCTAssertEqual(try out.get("bool"), .boolean(false))
        XCTAssertEqual(try out.get("str"), .string(""))
        XCTAssertEqual(try out.get("arr"), .array([]))
        XCTAssertEqual(try out.get("ts"), .timestamp(0))
        XCTAssertEqual(try out.get("keep"), .string("k"))
        let replaced = try makeTransform("MaskField$Value", ["fields": "int,str", "replacement": "123"])
        let schemaless = ConnectRecord(topic: "t", value: .stringMap([("int", .int32(42)), ("str", .string("s"))]))
        XCTAssertEqual(try replaced.apply(schemaless)?.value, .stringMap([("int", .int32(123)), ("str", .string("123"))]))
        let badReplacement = try makeTransform("MaskField$Value", ["fields": "bool", "replacement": "x"])
        XCTAssertEqual(connectMessage { try badReplacement.apply(ConnectRecord(topic: "t", value: .stringMap([("bool", .boolean(true))]))) },
                       "Cannot mask value of type class java.lang.Boolean with custom replacement.")
        let notNumber = try makeTransform("MaskField$Value", ["fields": "int", "replacement": "abc"])
        XCTAssertEqual(connectMessage { try notNumber.apply(schemaless) }, "Unable to convert abc (class java.lang.String) to number")
        XCTAssertEqual(connectMessage { try makeTransform("MaskField$Value", [:]) },
                       "Missing required configuration \"fields\" which has no default value.")
        XCTAssertEqual(connectMessage { try makeTransform("MaskField$Value", ["fields": ""]) },
                       "Invalid value [] for configuration fields: Empty list")
    }

    func testValueToKeyBuildsTheKeyFromValueFields() throws {
        let schema = try ConnectSchema.struct([("a", .int32), ("b", .int32), ("c", .int32)])
        let value = try ConnectStruct.make(schema, [("a", .int32(1)), ("b", .int32(2)), ("c", .int32(3))])
        let transform = try makeTransform("ValueToKey", ["fields": "a,b"])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(out.keySchema, try ConnectSchema.struct([("a", .int32), ("b", .int32)]))
        XCTAssertEqual(try out.key.structValue?.get("b"), .int32(2))
        XCTAssertEqual(out.value, .struct(value))
        let schemaless = ConnectRecord(topic: "t", value: .stringMap([("a", .int32(1)), ("b", .int32(2)), ("c", .int32(3))]))
        XCTAssertEqual(try transform.apply(schemaless)?.key, .stringMap([("a", .int32(1)), ("b", .int32(2))]))
        let missing = try makeTransform("ValueToKey", ["fields": "nope"])
        XCTAssertEqual(connectMessage { try missing.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))) },
                       "Field does not exist: nope")
    }

    func testExtractFieldTakesOneFieldAndNestedPathsWithV2() throws {
        let inner = try ConnectSchema.struct([("id", .int64)])
        let schema = try ConnectSchema.struct([("magic", .int32), ("inner", inner)])
        let value = try ConnectStruct.make(schema, [("magic", .int32(42)), ("inner", .struct(ConnectStruct.make(inner, [("id", .int64(7))])))])
        let record = ConnectRecord(topic: "t", keySchema: schema, key: .struct(value))
        let top = try makeTransform("ExtractField$Key", ["field": "magic"])
        let out = try XCTUnwrap(try top.apply(record))
        XCTAssertEqual(out.keySchema, .int32)
        XCTAssertEqual(out.key, .int32(42))
        let nested = try makeTransform("ExtractField$Key", ["field": "inner.id", "field.syntax.version": "v2"])
        XCTAssertEqual(try nested.apply(record)?.key, .int64(7))
        let v1 = try makeTransform("ExtractField$Key", ["field": "inner.id"])
        XCTAssertEqual(connectMessage { try v1.apply(record) }, "Unknown field: inner.id")
        XCTAssertEqual(try top.apply(ConnectRecord(topic: "t", key: .stringMap([("magic", .int32(1))])))?.key, .int32(1))
        XCTAssertEqual(try top.apply(ConnectRecord(topic: "t", key: .stringMap([])))?.key, .null)
        XCTAssertEqual(try top.apply(ConnectRecord(topic: "t", key: .null))?.key, .null)
    }

    func testHoistFieldWrapsTheValue() throws {
        let transform = try makeTransform("HoistField$Value", ["field": "magic"])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: .int32, value: .int32(42))))
        XCTAssertEqual(out.valueSchema, try ConnectSchema.struct([("magic", .int32)]))
        XCTAssertEqual(try out.value.structValue?.get("magic"), .int32(42))
        XCTAssertEqual(try transform.apply(ConnectRecord(topic: "t", value: .int32(42)))?.value, .stringMap([("magic", .int32(42))]))
    }

    func testFlattenJoinsNestedNamesWithTheDelimiter() throws {
        let twoLevel = try ConnectSchema.struct([("int32", .int32), ("str", .optionalString)])
        let oneLevel = try ConnectSchema.struct([("B", twoLevel), ("arr", .array(.int8))])
        let schema = try ConnectSchema.struct(name: "top", [("A", oneLevel)])
        let value = try ConnectStruct.make(schema, [("A", .struct(ConnectStruct.make(oneLevel, [
            ("B", .struct(ConnectStruct.make(twoLevel, [("int32", .int32(8))]))), ("arr", .array([.int8(1)])),
        ])))])
        let transform = try makeTransform("Flatten$Value", [:])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(out.valueSchema?.name, "top")
        XCTAssertEqual(out.valueSchema?.fields.map(\.name), ["A.B.int32", "A.B.str", "A.arr"])
        XCTAssertEqual(try out.value.structValue?.get("A.B.int32"), .int32(8))
        XCTAssertEqual(try out.value.structValue?.get("A.arr"), .array([.int8(1)]))
        let underscore = try makeTransform("Flatten$Key", ["delimiter": "_"])
        let nested = ConnectValue.stringMap([("A", .stringMap([("B", .stringMap([("c", .int64(1))])), ("n", .null)])), ("x", .string("y"))])
        XCTAssertEqual(try underscore.apply(ConnectRecord(topic: "t", key: nested))?.key,
                       .stringMap([("A_B_c", .int64(1)), ("A_n", .null), ("x", .string("y"))]))
        let withMap = try ConnectSchema.struct([("m", .map(.string, .string))])
        XCTAssertEqual(connectMessage { try transform.apply(ConnectRecord(topic: "t", valueSchema: withMap, value: .struct(ConnectStruct(schema: withMap)))) },
                       "Flatten transformation does not support MAP for record with schemas (for field m).")
    }

    func testSetSchemaMetadataRenamesAndRebuildsStructs() throws {
        let schema = try ConnectSchema.struct(name: "old", [("a", ConnectSchema.optionalInt8.withDefault(.int8(3)))])
        let value = try ConnectStruct(schema: schema)
        let transform = try makeTransform("org.apache.kafka.connect.transforms.SetSchemaMetadata$Value", ["schema.name": "new", "schema.version": "4"])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(out.valueSchema?.name, "new")
        XCTAssertEqual(out.valueSchema?.version, 4)
        XCTAssertEqual(out.value.structValue?.schema, out.valueSchema)
        XCTAssertEqual(try out.value.structValue?.getWithoutDefault("a"), .int8(3))
        let keepNull = try makeTransform("SetSchemaMetadata$Value", ["schema.name": "new", "replace.null.with.default": "false"])
        XCTAssertEqual(try keepNull.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value)))?.value.structValue?.getWithoutDefault("a"), .null)
        XCTAssertEqual(try transform.apply(ConnectRecord(topic: "t", valueSchema: .int32, value: .int32(1)))?.valueSchema, ConnectSchema.int32.named("new").versioned(4))
        XCTAssertEqual(connectMessage { try transform.apply(ConnectRecord(topic: "t", value: .int32(1))) }, "Schema required for [updating schema metadata]")
        XCTAssertEqual(connectMessage { try makeTransform("SetSchemaMetadata$Key", [:]) }, "Neither schema name nor version configured")
        XCTAssertEqual(connectMessage { try makeTransform("SetSchemaMetadata$Key", ["schema.version": "x"]) },
                       "Invalid value x for configuration schema.version: Not a number of type INT")
    }
}
