import BrookSQL
import XCTest

final class SQLExpressionEvaluatorTests: XCTestCase {
    func testNumericPromotionAndJavaOverflow() {
        assertEvaluations([
            ("1 + 2", .int(3)),
            ("2147483647 + 1", .int(-2_147_483_648)),           // INT wraps as Java's int
            ("2147483648 + 1", .bigint(2_147_483_649)),          // a literal beyond INT is BIGINT
            ("9223372036854775807 + 1", .bigint(.min)),
            ("7 / 2", .int(3)),
            ("-7 / 2", .int(-3)),
            ("-7 % 3", .int(-1)),
            ("1 + 1.5E0", .double(2.5)),
            ("1.0E0 / 0", .double(.infinity)),
            ("1.50 + 2.5", dec("4.00")),                          // scale max(2, 1)
            ("1.5 * 2.25", dec("3.375")),
            ("10.00 / 4.00", dec("2.500000")),                    // scale max(6, 2 + 3 + 1)
            ("5.5 % 2", dec("1.5")),
            ("1 + NULL", .null),
            ("-(2147483647 + 1)", .int(-2_147_483_648)),
        ])
        assertThrows("1 / 0", .divisionByZero)
        assertThrows("1 % 0", .divisionByZero)
        assertThrows("1.0 / 0.0", .divisionByZero)
        assertThrows("'a' + 1")
    }

    func testDecimalDivisionMustBeExactAsBigDecimalUnnecessary() {
        assertThrows("1.0 / 3.0")
    }

    func testThreeValuedLogicTruthTable() {
        let t = "true", f = "false", n = "CAST(NULL AS BOOLEAN)"
        let and: [(String, String, SQLValue)] = [(t, t, .boolean(true)), (t, f, .boolean(false)), (t, n, .null),
                                                 (f, n, .boolean(false)), (n, n, .null), (n, f, .boolean(false))]
        for (a, b, expected) in and { XCTAssertEqual(try sqlEval("\(a) AND \(b)"), expected, "\(a) AND \(b)") }
        let or: [(String, String, SQLValue)] = [(t, n, .boolean(true)), (f, f, .boolean(false)), (f, n, .null),
                                                (n, t, .boolean(true)), (n, n, .null)]
        for (a, b, expected) in or { XCTAssertEqual(try sqlEval("\(a) OR \(b)"), expected, "\(a) OR \(b)") }
        assertEvaluations([("NOT \(n)", .null), ("NOT \(f)", .boolean(true))])
    }

    func testPrecedence() {
        assertEvaluations([
            ("1 + 2 * 3", .int(7)),
            ("(1 + 2) * 3", .int(9)),
            ("true OR false AND false", .boolean(true)),
            ("NOT 1 = 2 AND true", .boolean(true)),
            ("'a' || 'b' = 'ab'", .boolean(true)),
            ("10 - 4 - 3", .int(3)),
        ])
    }

    func testPredicates() {
        assertEvaluations([
            ("NULL IS NULL", .boolean(true)),
            ("1 IS NOT NULL", .boolean(true)),
            ("NULL IS NOT DISTINCT FROM NULL", .boolean(true)),
            ("1 IS DISTINCT FROM NULL", .boolean(true)),
            ("1 = NULL", .null),
            ("1 = 1.0", .boolean(true)),
            ("2 BETWEEN 1 AND 3", .boolean(true)),
            ("5 NOT BETWEEN 1 AND 3", .boolean(true)),
            ("2 BETWEEN NULL AND 3", .null),
            ("2 IN (1, 2)", .boolean(true)),
            ("3 IN (1, NULL)", .boolean(false)),                 // InListEvaluator: NULL never matches
            ("3 NOT IN (1, NULL)", .boolean(true)),
            ("NULL IN (1, NULL)", .boolean(false)),
            ("1 IN ('1', 'x')", .boolean(true)),                 // a STRING matches the value it parses to
            ("'2' IN (1, 2)", .boolean(true)),
            ("3 NOT IN (1, 2)", .boolean(true)),
            ("'abc' LIKE 'a%'", .boolean(true)),
            ("'abc' LIKE 'a_c'", .boolean(true)),
            ("'abc' LIKE 'A%'", .boolean(false)),
            ("'a%c' LIKE 'a!%c' ESCAPE '!'", .boolean(true)),
            ("'abc' LIKE 'a!%c' ESCAPE '!'", .boolean(false)),
            ("'abc' NOT LIKE '%d%'", .boolean(true)),
            ("'' LIKE '%'", .boolean(true)),
            ("'aXbXc' LIKE '%X%X%'", .boolean(true)),
            ("'ab' LIKE '%b%b'", .boolean(false)),
            ("'a__' LIKE 'a\\_\\_' ESCAPE '\\'", .boolean(true)),
            ("'b' > 'a'", .boolean(true)),
            ("'a' || NULL", .string("a")),                       // || is CONCAT, which skips NULLs
            ("FROM_UNIXTIME(86400000) = '1970-01-02T00:00:00'", .boolean(true)),
            ("FROM_UNIXTIME(0) < '1970-01-01T00:00:01Z'", .boolean(true)),
            ("CAST('2024-01-02' AS DATE) > '2024-01-01'", .boolean(true)),
        ])
        assertThrows("FROM_UNIXTIME(0) < 'yesterday'")
        assertThrows("1 = 'a'")
    }

    func testLikeWildcardsDoNotMatchLineTerminators() throws {
        XCTAssertEqual(try sqlEval("S LIKE 'a%b'", row: ["S": .string("a\nb")]), .boolean(false))
        XCTAssertEqual(try sqlEval("S LIKE 'a_b'", row: ["S": .string("a\nb")]), .boolean(false))
        XCTAssertEqual(try sqlEval("S LIKE 'a%b'", row: ["S": .string("a--b")]), .boolean(true))
    }

    func testCaseSubscriptDereferenceAndConstructors() {
        let row: [String: SQLValue] = [
            "A": .array([.int(10), .int(20), .int(30)]),
            "M": .map([("k", .string("v"))]),
            "S": .struct([("F", .int(1))]),
        ]
        assertEvaluations([
            ("CASE WHEN 1 > 2 THEN 'x' WHEN 2 > 1 THEN 'y' END", .string("y")),
            ("CASE WHEN false THEN 1 END", .null),
            ("CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END", .string("two")),
            ("A[1]", .int(10)),
            ("A[-1]", .int(30)),
            ("A[0]", .null),
            ("A[4]", .null),
            ("M['k']", .string("v")),
            ("M['x']", .null),
            ("S->F", .int(1)),
            ("ARRAY[1, 2][2]", .int(2)),
            ("MAP('a' := 1)['a']", .int(1)),
            ("STRUCT(X := 1, Y := 'b')->Y", .string("b")),
        ], row: row)
    }

    func testLambdas() {
        let row: [String: SQLValue] = ["A": .array([.int(1), .int(2), .int(3)]), "M": .map([("a", .int(1)), ("b", .int(2))])]
        assertEvaluations([
            ("TRANSFORM(A, x => x * 10)", .array([.int(10), .int(20), .int(30)])),
            ("FILTER(A, x => x > 1)", .array([.int(2), .int(3)])),
            ("REDUCE(A, 0, (s, x) => s + x)", .int(6)),
            ("TRANSFORM(M, (k, v) => UCASE(k), (k, v) => v + 1)", .map([("A", .int(2)), ("B", .int(3))])),
            ("FILTER(M, (k, v) => v > 1)", .map([("b", .int(2))])),
            ("REDUCE(M, 0, (s, k, v) => s + v)", .int(3)),
            ("TRANSFORM(CAST(NULL AS ARRAY<INT>), x => x)", .null),
        ], row: row)
    }

    func testCasts() {
        assertEvaluations([
            ("CAST('42' AS INT)", .int(42)),
            ("CAST(' 42 ' AS BIGINT)", .bigint(42)),
            ("CAST(3.99E0 AS INT)", .int(3)),
            ("CAST(-3.99E0 AS INT)", .int(-3)),
            ("CAST(2147483648 AS INT)", .int(-2_147_483_648)),
            ("CAST(1.5 AS DOUBLE)", .double(1.5)),
            ("CAST(1.005 AS DECIMAL(4, 2))", dec("1.01")),        // HALF_UP
            ("CAST(-1.005 AS DECIMAL(4, 2))", dec("-1.01")),
            ("CAST('12.345' AS DECIMAL(5, 1))", dec("12.3")),
            ("CAST(1 AS STRING)", .string("1")),
            ("CAST(1.0E0 AS STRING)", .string("1.0")),
            ("CAST(1.0E10 AS STRING)", .string("1.0E10")),
            ("CAST(0.0001E0 AS STRING)", .string("1.0E-4")),
            ("CAST(true AS STRING)", .string("true")),
            ("CAST('yes' AS BOOLEAN)", .boolean(true)),
            ("CAST('2024-02-29T12:30:00.250Z' AS TIMESTAMP)", .timestamp(1_709_209_800_250)),
            ("CAST('2024-02-29T12:30:00+01:00' AS TIMESTAMP)", .timestamp(1_709_206_200_000)),
            ("CAST(CAST('2024-02-29T12:30:00' AS TIMESTAMP) AS STRING)", .string("2024-02-29T12:30:00.000")),
            ("CAST('1970-01-02' AS DATE)", .date(1)),
            ("CAST('01:00:00' AS TIME)", .time(3_600_000)),
            ("CAST(CAST('1970-01-02' AS DATE) AS TIMESTAMP)", .timestamp(86_400_000)),
            ("CAST(ARRAY[1, 2] AS ARRAY<STRING>)", .array([.string("1"), .string("2")])),
            ("CAST(NULL AS INT)", .null),
        ])
        assertThrows("CAST('x' AS INT)")
        assertThrows("CAST(123.4 AS DECIMAL(3, 1))")
        assertThrows("CAST('2024-02-30' AS DATE)")
    }

    func testColumnsVariablesAndUnknowns() throws {
        XCTAssertEqual(try sqlEval("X + 1", row: ["X": .bigint(4)]), .bigint(5))
        assertThrows("NOPE + 1", .unknownColumn("NOPE"))
        assertThrows("NO_SUCH_FUNCTION(1)", .unknownFunction("NO_SUCH_FUNCTION"))
        assertThrows("COUNT(1)", .notScalar("COUNT"))
        let evaluator = ExpressionEvaluator(context: EvaluationContext(now: 0, variables: ["v": .int(7)]))
        XCTAssertEqual(try evaluator.evaluate(.variable("v")) { _ in nil }, .int(7))
    }
}
