@testable import BrookConnect
import XCTest

final class CastTests: XCTestCase {
    func testWholeValueCastsFollowJavaConversions() throws {
        // (schema, value, target spec, expected) as in Kafka's CastTest.
        let cases: [(ConnectSchema?, ConnectValue, String, ConnectValue)] = [
            (.int32, .int32(42), "int8", .int8(42)),
            (.int32, .int32(300), "int8", .int8(44)),
            (.float64, .float64(42.9), "int16", .int16(42)),
            (.float64, .float64(1e20), "int32", .int32(Int32.max)),
            (.float32, .float32(.nan), "int64", .int64(0)),
            (.boolean, .boolean(true), "int32", .int32(1)),
            (.string, .string("42"), "int32", .int32(42)),
            (.string, .string("42"), "float64", .float64(42)),
            (.string, .string("true"), "boolean", .boolean(true)),
            (.string, .string("yes"), "boolean", .boolean(false)),
            (.int64, .int64(0), "boolean", .boolean(false)),
            (.float32, .float32(1.5), "string", .string("1.5")),
            (.int8, .int8(42), "float32", .float32(42)),
            (.bytes, .bytes([1, 2, 3]), "string", .string("AQID")),
            (nil, .int64(42), "string", .string("42")),
            (ConnectLogicalType.timestampSchema, .timestamp(1_483_425_001_864), "int64", .int64(1_483_425_001_864)),
            (ConnectLogicalType.timestampSchema, .timestamp(1_483_425_001_864), "string", .string("2017-01-03T06:30:01.864Z")),
            (ConnectLogicalType.dateSchema, .timestamp(86_400_000 * 3), "int32", .int32(3)),
            (ConnectLogicalType.decimalSchema(scale: 2), .decimal(ConnectDecimal(1234, scale: 2)), "float64", .float64(12.34)),
            (ConnectLogicalType.decimalSchema(scale: 2), .decimal(ConnectDecimal(1234, scale: 2)), "string", .string("12.34")),
        ]
        for (schema, value, spec, expected) in cases {
            let transform = try makeTransform("org.apache.kafka.connect.transforms.Cast$Value", ["spec": spec])
            let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: value)))
            XCTAssertEqual(out.value, expected, "\(value) → \(spec)")
            if schema != nil {
                XCTAssertEqual(out.valueSchema?.type, ConnectSchemaType(rawValue: spec.uppercased()), "\(value) → \(spec)")
            } else {
                XCTAssertNil(out.valueSchema)
            }
        }
    }

    func testFieldCastsKeepOtherFieldsAndOptionality() throws {
        let schema = try ConnectSchema.struct(name: "s", [("a", .int8), ("b", ConnectSchema.optionalInt32.withDefault(.int32(7))), ("c", .string)])
        let value = try ConnectStruct.make(schema, [("a", .int8(8)), ("c", .string("x"))])
        let transform = try makeTransform("Cast$Value", ["spec": "a:string, b:int64 ,missing:int8"])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(out.valueSchema?.name, "s")
        XCTAssertEqual(out.valueSchema?.field(named: "a")?.schema, .string)
        XCTAssertEqual(out.valueSchema?.field(named: "b")?.schema, try ConnectSchema.optionalInt64.withDefault(.int64(7)))
        XCTAssertEqual(try out.value.structValue?.get("a"), .string("8"))
        XCTAssertEqual(try out.value.structValue?.get("b"), .int64(7))
        let schemaless = try makeTransform("Cast$Key", ["spec": "a:int16"])
        XCTAssertEqual(try schemaless.apply(ConnectRecord(topic: "t", key: .stringMap([("a", .string("12")), ("z", .int8(1))])))?.key,
                       .stringMap([("a", .int16(12)), ("z", .int8(1))]))
    }

    func testCastErrorsUseKafkaMessages() throws {
        XCTAssertEqual(connectMessage { try makeTransform("Cast$Value", ["spec": "foo:array"]) },
                       "Cast transformation does not support casting to ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]")
        XCTAssertEqual(connectMessage { try makeTransform("Cast$Value", ["spec": "foo:faketype"]) }, "Invalid type found in casting spec: faketype")
        XCTAssertEqual(connectMessage { try makeTransform("Cast$Value", ["spec": "int8,foo:int16"]) },
                       "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")
        XCTAssertEqual(connectMessage { try makeTransform("Cast$Value", ["spec": ""]) }, "Must specify at least one field to cast.")
        let toInt = try makeTransform("Cast$Value", ["spec": "int8"])
        XCTAssertEqual(connectMessage { try toInt.apply(ConnectRecord(topic: "t", valueSchema: .string, value: .string("300"))) },
                       "Value (300) was out of range for requested data type")
        XCTAssertEqual(connectMessage { try toInt.apply(ConnectRecord(topic: "t", valueSchema: .bytes, value: .bytes([1]))) },
                       "Unexpected type in Cast transformation: class [B")
        let array = ConnectSchema.array(.int8)
        XCTAssertEqual(connectMessage { try toInt.apply(ConnectRecord(topic: "t", valueSchema: array, value: .array([]))) },
                       "Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]")
    }
}
