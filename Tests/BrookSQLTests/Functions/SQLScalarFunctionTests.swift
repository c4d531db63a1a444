import BrookSQL
import XCTest

final class SQLScalarFunctionTests: XCTestCase {
    func testNullFunctions() {
        assertEvaluations([
            ("COALESCE(NULL, NULL, 3)", .int(3)),
            ("COALESCE(NULL)", .null),
            ("IFNULL(NULL, 'd')", .string("d")),
            ("IFNULL('a', 'd')", .string("a")),
            ("NULLIF(1, 1)", .null),
            ("NULLIF(1, 2)", .int(1)),
        ])
    }

    func testStringFunctions() {
        assertEvaluations([
            ("CONCAT('a', NULL, 'b')", .string("ab")),
            ("CONCAT_WS('-', 'a', NULL, 'b')", .string("a-b")),
            ("CONCAT_WS(NULL, 'a')", .null),
            ("LCASE('AbC')", .string("abc")),
            ("UCASE('AbC')", .string("ABC")),
            ("LEN('')", .int(0)),
            ("LEN('héllo')", .int(5)),
            ("LEN(NULL)", .null),
            ("SUBSTRING('hello', 2)", .string("ello")),
            ("SUBSTRING('hello', 2, 3)", .string("ell")),
            ("SUBSTRING('hello', -3)", .string("llo")),
            ("SUBSTRING('hello', -3, 2)", .string("ll")),
            ("SUBSTRING('hello', 0)", .string("hello")),
            ("SUBSTRING('hello', 10)", .string("")),
            ("TRIM('  a b  ')", .string("a b")),
            ("LPAD('ab', 5, 'xy')", .string("xyxab")),
            ("RPAD('ab', 5, 'xy')", .string("abxyx")),
            ("LPAD('abcdef', 3, 'x')", .string("abc")),
            ("LPAD('ab', 5, '')", .null),
            ("LPAD('ab', -1, 'x')", .null),
            ("REPLACE('a.b.c', '.', '::')", .string("a::b::c")),
            ("SPLIT('a,b,,c', ',')", .array([.string("a"), .string("b"), .string(""), .string("c")])),
            ("SPLIT('abc', '')", .array([.string("a"), .string("b"), .string("c")])),
            ("INSTR('CORPORATE FLOOR', 'OR')", .int(2)),
            ("INSTR('CORPORATE FLOOR', 'OR', 3)", .int(5)),
            ("INSTR('CORPORATE FLOOR', 'OR', 3, 2)", .int(14)),
            ("INSTR('CORPORATE FLOOR', 'OR', -3)", .int(5)),
            ("INSTR('CORPORATE FLOOR', 'OR', -3, 2)", .int(2)),
            ("INSTR('CORPORATE FLOOR', 'MISSING')", .int(0)),
            ("INSTR(NULL, 'x')", .int(0)),
            ("REGEXP_EXTRACT('.*', 'helloworld')", .string("helloworld")),
            ("REGEXP_EXTRACT('(([AEIOU]).)', 'aBcDeFg', 2)", .null),
            ("REGEXP_EXTRACT('(([aeiou]).)', 'aBcDeFg', 2)", .string("a")),
            ("REGEXP_EXTRACT('x', 'abc')", .null),
            ("REGEXP_REPLACE('foobar', 'o+', 'X')", .string("fXbar")),
            ("REGEXP_REPLACE('a1b22', '([0-9]+)', '<$1>')", .string("a<1>b<22>")),
            ("MASK('AbCd#$123xy Z')", .string("XxXx--nnnxx-X")),
            ("MASK('AbCd#$123xy Z', 'Q', 'q', '9', '@')", .string("QqQq@@999qq@Q")),
            ("MASK('AbCd#$123xy Z', 'Q', NULL, '9', NULL)", .string("QbQd#$999xy Q")),
            ("MASK_LEFT('AbCd#$123xy Z', 5)", .string("XxXx-$123xy Z")),
            ("MASK_RIGHT('AbCd#$123xy Z', 5)", .string("AbCd#$12nxx-X")),
            ("MASK_KEEP_LEFT('AbCd#$123xy Z', 5)", .string("AbCd#-nnnxx-X")),
            ("MASK_KEEP_RIGHT('AbCd#$123xy Z', 5)", .string("XxXx--nn3xy Z")),
            ("MASK_LEFT('ab', 10)", .string("xx")),
        ])
        assertThrows("MASK_LEFT('ab', -1)")
        assertThrows("MASK('a', 'XX', NULL, NULL, NULL)")
        assertThrows("REGEXP_EXTRACT('(', 'x')")
    }

    func testMathFunctions() {
        assertEvaluations([
            ("ABS(-3)", .int(3)),
            ("ABS(-2147483647 - 1)", .int(-2_147_483_648)),
            ("ABS(-1.50)", dec("1.50")),
            ("ROUND(1.5E0)", .bigint(2)),
            ("ROUND(-1.5E0)", .bigint(-1)),                      // Math.round: ties towards +∞
            ("ROUND(-1.6E0)", .bigint(-2)),
            ("ROUND(1.234567E0, 2)", .double(1.23)),
            ("ROUND(1.5)", dec("2")),
            ("ROUND(-1.5)", dec("-1")),                          // HALF_DOWN below zero
            ("ROUND(12.345, 2)", dec("12.350")),                 // keeps the source scale
            ("ROUND(5)", .int(5)),
            ("CEIL(1.2E0)", .double(2)),
            ("FLOOR(-1.2E0)", .double(-2)),
            ("CEIL(1.20)", dec("2")),
            ("FLOOR(-1.20)", dec("-2")),
            ("SQRT(16.0E0)", .double(4)),
            ("EXP(0)", .double(1)),
            ("LN(1)", .double(0)),
            ("POWER(2, 10)", .double(1024)),
            ("RANDOM()", .double(0.25)),
            ("GREATEST(1, 5, NULL, 3)", .int(5)),
            ("GREATEST(1, 5.5E0)", .double(5.5)),
            ("LEAST('b', 'a', 'c')", .string("a")),
            ("LEAST(NULL, NULL)", .null),
            ("SQRT(NULL)", .null),
        ])
    }

    func testTimeFunctions() {
        XCTAssertEqual(try sqlEval("UNIX_TIMESTAMP()", now: 1_700_000_000_000), .bigint(1_700_000_000_000))
        assertEvaluations([
            ("FROM_UNIXTIME(86400000)", .timestamp(86_400_000)),
            ("UNIX_TIMESTAMP(FROM_UNIXTIME(5))", .bigint(5)),
            ("TIMESTAMPTOSTRING(1709209800250, 'yyyy-MM-dd HH:mm:ss.SSS')", .string("2024-02-29 12:30:00.250")),
            ("TIMESTAMPTOSTRING(1709209800250, 'yyyy-MM-dd''T''HH:mm:ssXXX', '+05:30')", .string("2024-02-29T18:00:00+05:30")),
            ("TIMESTAMPTOSTRING(0, 'yyyy-MM-dd''T''HH:mm:ssX', 'UTC')", .string("1970-01-01T00:00:00Z")),
            ("STRINGTOTIMESTAMP('2024-02-29 12:30:00', 'yyyy-MM-dd HH:mm:ss')", .bigint(1_709_209_800_000)),
            ("STRINGTOTIMESTAMP('2024-02-29 12:30:00', 'yyyy-MM-dd HH:mm:ss', 'GMT+01:00')", .bigint(1_709_206_200_000)),
            ("PARSE_TIMESTAMP('2024-02-29T12:30:00+0100', 'yyyy-MM-dd''T''HH:mm:ssZ')", .timestamp(1_709_206_200_000)),
            ("FORMAT_TIMESTAMP(FROM_UNIXTIME(-1), 'yyyy-MM-dd HH:mm:ss.SSS')", .string("1969-12-31 23:59:59.999")),
            ("FORMAT_DATE(CAST('2024-02-29' AS DATE), 'dd/MM/yyyy')", .string("29/02/2024")),
            ("PARSE_DATE('29/02/2024', 'dd/MM/yyyy')", .date(19782)),
            ("PARSE_DATE('20240229', 'yyyyMMdd')", .date(19782)),
            ("PARSE_DATE('1/2/2024', 'd/M/yyyy')", .date(19754)),
            ("FORMAT_DATE(CAST('2024-01-02' AS DATE), 'd/M/yy')", .string("2/1/24")),
            ("DATEADD(DAYS, 2, CAST('2024-02-28' AS DATE))", .date(19782 + 1)),
            ("DATEADD(HOURS, -1, CAST('1970-01-01' AS DATE))", .date(0)),  // toDays truncates towards zero
            ("TIMESTAMPADD(SECONDS, 5, FROM_UNIXTIME(1000))", .timestamp(6000)),
            ("CONVERT_TZ(FROM_UNIXTIME(0), 'UTC', '+02:00')", .timestamp(7_200_000)),
        ])
        assertThrows("PARSE_DATE('2024-13-01', 'yyyy-MM-dd')")
        assertThrows("ARRAY_JOIN(ARRAY[ARRAY[1]])")
        XCTAssertEqual(try sqlEval("FORMAT_TIMESTAMP(FROM_UNIXTIME(0), 'EEE')"), .string("Thu"))
        assertEvaluations([
            ("FORMAT_DATE(CAST('2024-01-02' AS DATE), 'EEE, d MMM yyyy')", .string("Tue, 2 Jan 2024")),
            ("FORMAT_DATE(CAST('2024-09-01' AS DATE), 'EEEE MMMM')", .string("Sunday September")),
            ("TIMESTAMPTOSTRING(1709209800250, 'hh:mm a')", .string("12:30 PM")),
            ("TIMESTAMPTOSTRING(0, 'h a')", .string("12 AM")),
            // An Apache access-log timestamp.
            ("STRINGTOTIMESTAMP('29/Feb/2024:12:30:00 +0100', 'dd/MMM/yyyy:HH:mm:ss Z')", .bigint(1_709_206_200_000)),
            ("STRINGTOTIMESTAMP('2024-02-29 12:30 PM', 'yyyy-MM-dd hh:mm a')", .bigint(1_709_209_800_000)),
            ("STRINGTOTIMESTAMP('2024-02-29 12:30 AM', 'yyyy-MM-dd hh:mm a')", .bigint(1_709_166_600_000)),
        ])
        assertThrows("FORMAT_DATE(CAST('2024-01-02' AS DATE), 'MMMMM')")
        assertThrows("FORMAT_DATE(CAST('2024-01-02' AS DATE), 'zzz')")
        assertThrows("LPAD('a', 2147483647, 'x')")
        assertEvaluations([
            ("SUBSTRING('hello', -2147483647 - 1, 2147483647)", .string("hello")),
            ("INSTR('abc', 'b', -2147483647 - 1)", .int(0)),
            ("TIMESTAMPTOSTRING(9223372036854775807, 'yyyy')", .string("+292278994")),
        ])
        assertThrows("CONVERT_TZ(FROM_UNIXTIME(0), 'America/New_York', 'UTC')")
    }

    func testCollectionFunctions() {
        let row: [String: SQLValue] = ["A": .array([.int(3), .null, .int(1), .int(3)]), "M": .map([("a", .int(1)), ("b", .int(2))])]
        assertEvaluations([
            ("ARRAY_LENGTH(A)", .int(4)),
            ("ARRAY_CONTAINS(A, 1)", .boolean(true)),
            ("ARRAY_CONTAINS(A, NULL)", .boolean(true)),
            ("ARRAY_CONTAINS(CAST(NULL AS ARRAY<INT>), 1)", .boolean(false)),
            ("ARRAY_DISTINCT(A)", .array([.int(3), .null, .int(1)])),
            ("ARRAY_MAX(A)", .int(3)),
            ("ARRAY_MIN(A)", .int(1)),
            ("ARRAY_MAX(ARRAY[CAST(NULL AS INT)])", .null),
            ("ARRAY_SORT(A)", .array([.int(1), .int(3), .int(3), .null])),
            ("ARRAY_SORT(A, 'desc')", .array([.int(3), .int(3), .int(1), .null])),
            ("ARRAY_SORT(A, 'DESCENDING')", .array([.int(3), .int(3), .int(1), .null])),
            ("ARRAY_SORT(A, 'sideways')", .null),
            ("ARRAY_JOIN(ARRAY[1, NULL])", .string("1,null")),
            ("ARRAY_JOIN(ARRAY[1, 2, 3])", .string("1,2,3")),
            ("ARRAY_JOIN(ARRAY['a', 'b'], '|')", .string("a|b")),
            ("ARRAY_REMOVE(A, 3)", .array([.null, .int(1)])),
            ("MAP_KEYS(M)", .array([.string("a"), .string("b")])),
            ("MAP_VALUES(M)", .array([.int(1), .int(2)])),
            ("AS_MAP(ARRAY['x', 'y'], ARRAY[1, 2])", .map([("x", .int(1)), ("y", .int(2))])),
            ("SLICE(ARRAY[1, 2, 3, 4], 2, 3)", .array([.int(2), .int(3)])),
            ("SLICE(ARRAY[1, 2, 3, 4], 3, 10)", .array([.int(3), .int(4)])),
            ("SLICE(ARRAY[1, 2], 3, 1)", .array([])),
            ("UUID()", .string("u-1")),
        ], row: row)
    }

    func testJSONFunctions() {
        let doc = #"'{"a": {"b": [10, {"c": "x"}]}, "n": 1.50, "s": "t", "z": null}'"#
        assertEvaluations([
            ("EXTRACTJSONFIELD(\(doc), '$.a.b[1].c')", .string("x")),
            ("EXTRACTJSONFIELD(\(doc), '$.a.b[0]')", .string("10")),
            ("EXTRACTJSONFIELD(\(doc), '$[''s'']')", .string("t")),
            ("EXTRACTJSONFIELD(\(doc), '$.a')", .string(#"{"b":[10,{"c":"x"}]}"#)),
            ("EXTRACTJSONFIELD(\(doc), '$.missing')", .null),
            ("EXTRACTJSONFIELD(\(doc), '$.z')", .string("null")),   // a JSON null node prints as null
            ("EXTRACTJSONFIELD(\(doc), '$.a.b.1.c')", .string("x")),
            ("EXTRACTJSONFIELD(\(doc), '$.s.x')", .null),
            ("EXTRACTJSONFIELD('not json', '$.a')", .null),
            ("JSON_KEYS(\(doc))", .array([.string("a"), .string("n"), .string("s"), .string("z")])),
            ("JSON_KEYS('[1]')", .null),
            ("JSON_RECORDS('{\"a\": [1, 2], \"b\": \"s\"}')", .map([("a", .string("[1,2]")), ("b", .string("\"s\""))])),
            ("IS_JSON_STRING('{\"a\": 1}')", .boolean(true)),
            ("IS_JSON_STRING('{\"a\": }')", .boolean(false)),
            ("IS_JSON_STRING(NULL)", .boolean(false)),
            ("TO_JSON_STRING(STRUCT(A := 1, B := ARRAY['x'], C := 1.50, D := NULL))", .string(#"{"A":1,"B":["x"],"C":1.50,"D":null}"#)),
            ("TO_JSON_STRING(MAP('k' := 'a\"b'))", .string(#"{"k":"a\"b"}"#)),
            ("TO_JSON_STRING(NULL)", .string("null")),
        ])
    }

    func testSignaturesResolveReturnTypes() {
        let registry = FunctionRegistry.standard
        XCTAssertEqual(registry.scalar(named: "substring")?.returnType(for: [.string, .integer]), .string)
        XCTAssertNil(registry.scalar(named: "SUBSTRING")?.returnType(for: [.integer, .integer]))
        XCTAssertEqual(registry.scalar(named: "ROUND")?.returnType(for: [.double]), .bigint)
        XCTAssertEqual(registry.scalar(named: "ROUND")?.returnType(for: [.decimal(precision: 5, scale: 2), .integer]), .decimal(precision: 5, scale: 2))
        XCTAssertEqual(registry.scalar(named: "ARRAY_MAX")?.returnType(for: [.array(.bigint)]), .bigint)
        XCTAssertEqual(registry.scalar(named: "COALESCE")?.returnType(for: [nil, .integer, .bigint]), .bigint)
        XCTAssertEqual(registry.scalar(named: "CONCAT")?.returnType(for: [.string, .string, .string]), .string)
        XCTAssertTrue(FunctionRegistry.isAggregate("collect_list"))
        XCTAssertFalse(FunctionRegistry.isAggregate("UCASE"))
    }
}
