@testable import BrookConnect
import XCTest

final class ConnectSchemaValidationTests: XCTestCase {
    private func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? ConnectDataError)?.message ?? "\(error)" }
    }

    func testPrimitiveValuesMatchOnlyTheirOwnWidth() {
        XCTAssertNil(message { try ConnectSchema.int32.validateValue(.int32(5)) })
        XCTAssertEqual(message { try ConnectSchema.int32.validateValue(.int64(5)) },
                       "Invalid Java object for schema with type INT32: class java.lang.Long for value")
        XCTAssertEqual(message { try ConnectSchema.string.validateValue(.bytes([1])) },
                       "Invalid Java object for schema with type STRING: class [B for value")
    }

    func testNullNeedsAnOptionalSchema() {
        XCTAssertNil(message { try ConnectSchema.optionalString.validateValue(.null) })
        XCTAssertEqual(message { try ConnectSchema.string.validateValue(.null) },
                       "Invalid value: null used for required value, schema type: STRING")
    }

    func testLogicalTypesExpectTheirJavaClasses() {
        let decimal = ConnectLogicalType.decimalSchema(scale: 2)
        XCTAssertNil(message { try decimal.validateValue(.decimal(ConnectDecimal(1234, scale: 2))) })
        XCTAssertEqual(message { try decimal.validateValue(.bytes([1])) },
                       "Invalid Java object for schema \"org.apache.kafka.connect.data.Decimal\" with type BYTES: class [B for value")
        XCTAssertNil(message { try ConnectLogicalType.timestampSchema.validateValue(.timestamp(0)) })
        XCTAssertNotNil(message { try ConnectLogicalType.dateSchema.validateValue(.int32(1)) })
    }

    func testNestedLocationsNameTheElementKeyAndField() throws {
        XCTAssertEqual(message { try ConnectSchema.array(.int8).validateValue(.array([.int8(1), .int16(2)])) },
                       "Invalid Java object for schema with type INT8: class java.lang.Short for element of array value")
        XCTAssertEqual(message { try ConnectSchema.map(.string, .int32).validateValue(.map([.init(.int32(1), .int32(1))])) },
                       "Invalid Java object for schema with type STRING: class java.lang.Integer for key of map value")
        let schema = try ConnectSchema.struct(name: "p", [("id", .int64), ("note", .optionalString)])
        var value = try ConnectStruct(schema: schema)
        XCTAssertEqual(message { try value.put("id", .string("x")) },
                       "Invalid Java object for schema with type INT64: class java.lang.String for field: \"id\"")
        XCTAssertEqual(message { try value.put("nope", .int64(1)) }, "nope is not a valid field name")
        XCTAssertEqual(message { try value.validate() },
                       "Invalid value: null used for required field: \"id\", schema type: INT64")
        try value.put("id", .int64(7))
        XCTAssertNil(message { try schema.validateValue(.struct(value)) })
        let other = try ConnectSchema.struct(name: "q", [("id", .int64)])
        XCTAssertEqual(message { try other.validateValue(.struct(value)) }, "Struct schemas do not match.")
    }

    func testStructGetFallsBackToTheFieldDefault() throws {
        let schema = try ConnectSchema.struct([("n", ConnectSchema.int32.withDefault(.int32(3)))])
        let value = try ConnectStruct(schema: schema)
        XCTAssertEqual(try value.get("n"), .int32(3))
        XCTAssertEqual(try value.getWithoutDefault("n"), .null)
        XCTAssertNoThrow(try value.validate())
        XCTAssertEqual(try value.putting("n", .int32(9)).description, "Struct{n=9}")
    }

    func testSchemaBuilderRejectsDuplicatesAndBadDefaults() {
        XCTAssertEqual(message { _ = try ConnectSchema.struct([("a", .int8), ("a", .int8)]) },
                       "Cannot create field because of field name duplication a")
        XCTAssertEqual(message { _ = try ConnectSchema.int8.withDefault(.string("x")) }, "Invalid default value")
        XCTAssertEqual(ConnectSchema.string.named("n").description, "Schema{n:STRING}")
        XCTAssertEqual(ConnectSchema.map(.string, .int8).keySchema, .string)
        XCTAssertEqual(ConnectSchema.array(.int8).valueSchema, .int8)
    }

    func testRecordHeadersAndTombstone() {
        let record = ConnectRecord(topic: "t", headers: [.init(key: "h", value: .int8(1)), .init(key: "h", value: .int8(2))])
        XCTAssertTrue(record.isTombstone)
        XCTAssertEqual(record.lastHeader(named: "h")?.value, .int8(2))
    }
}
