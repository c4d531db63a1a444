import XCTest
@testable import BrookSQL

/// Column and cast types, their aliases and nesting.
final class TypeParserTests: XCTestCase {
    func testTypes() throws {
        let cases: [(String, SQLType)] = [
            ("BOOLEAN", .boolean), ("INT", .integer), ("integer", .integer), ("BIGINT", .bigint), ("DOUBLE", .double),
            ("DECIMAL(10, 2)", .decimal(precision: 10, scale: 2)), ("STRING", .string), ("VARCHAR", .string),
            ("BYTES", .bytes), ("DATE", .date), ("TIME", .time), ("TIMESTAMP", .timestamp),
            ("ARRAY<INT>", .array(.integer)),
            ("MAP<STRING, ARRAY<DOUBLE>>", .map(key: .string, value: .array(.double))),
            ("STRUCT<name VARCHAR, `Age` INT>", .struct([.init(name: "NAME", type: .string), .init(name: "Age", type: .integer)])),
            ("STRUCT<>", .struct([])),
            ("ARRAY<STRUCT<a MAP<STRING, STRUCT<b ARRAY<ARRAY<BIGINT>>>>>>",
             .array(.struct([.init(name: "A", type: .map(key: .string, value: .struct([
                 .init(name: "B", type: .array(.array(.bigint))),
             ])))]))),
            ("INT ARRAY", .array(.integer)),
            ("address_type", .custom("ADDRESS_TYPE")),
        ]
        for (source, expected) in cases {
            XCTAssertEqual(try SQLParser.parseType(source), expected, source)
            XCTAssertEqual(try SQLParser.parseType(SQLFormatter.format(expected)), expected, source)
        }
    }

    func testCanonicalSpelling() {
        XCTAssertEqual(SQLFormatter.format(SQLType.map(key: .string, value: .struct([.init(name: "x y", type: .integer)]))),
                       "MAP<STRING, STRUCT<`x y` INTEGER>>")
    }

    func testMalformedTypes() {
        for source in ["ARRAY<INT", "MAP<STRING>", "DECIMAL(10)", "STRUCT<a>", "ARRAY<>", "123"] {
            XCTAssertThrowsError(try SQLParser.parseType(source), source) { error in
                XCTAssertTrue(error is SQLSyntaxError, source)
            }
        }
    }
}
