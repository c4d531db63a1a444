import XCTest
@testable import BrookSQL

/// Every expression form and ksqlDB's precedence, each case stated as the fully parenthesised tree.
final class ExpressionParserTests: XCTestCase {
    private func assertTree(_ source: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let expression = try SQLParser.parseExpression(source)
            XCTAssertEqual(ParenthesisedPrinter.text(expression), expected, source, file: file, line: line)
        } catch {
            XCTFail("\(source): \(error)", file: file, line: line)
        }
    }

    func testBooleanPrecedence() {
        let cases: [(String, String)] = [
            ("a OR b AND NOT c = d", "(A OR (B AND (NOT (C = D))))"),
            ("a AND b OR c", "((A AND B) OR C)"),
            ("NOT a AND b", "((NOT A) AND B)"),
            ("NOT NOT a", "(NOT (NOT A))"),
            ("a OR b OR c", "((A OR B) OR C)"),
            ("(a OR b) AND c", "((A OR B) AND C)"),
            ("a = 1 AND b <> 2 OR c != 3", "(((A = 1) AND (B <> 2)) OR (C <> 3))"),
            ("a < b AND a <= b AND a > b AND a >= b", "((((A < B) AND (A <= B)) AND (A > B)) AND (A >= B))"),
        ]
        for (source, expected) in cases { assertTree(source, expected) }
    }

    func testArithmeticPrecedence() {
        let cases: [(String, String)] = [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("1 * 2 + 3", "((1 * 2) + 3)"),
            ("a - b - c", "((A - B) - C)"),
            ("a / b % c * d", "(((A / B) % C) * D)"),
            ("a || b + c", "(A || (B + C))"),
            ("a + b || c * d", "((A + B) || (C * D))"),
            ("a || b || c", "((A || B) || C)"),
            ("-a * b", "((-A) * B)"),
            ("- -a", "(-(-A))"),
            ("+a", "(+A)"),
            ("-(a + b)", "(-(A + B))"),
            ("a + b = c * d", "((A + B) = (C * D))"),
            ("a - -5", "(A - -5)"),
            ("-5", "-5"),
            ("-2.5", "-2.5"),
            ("-1E3", "-1E3"),
            ("-(5)", "(-5)"),
            ("-5[1]", "(-(5[1]))"),
            ("-a->b", "(-(A->B))"),
        ]
        for (source, expected) in cases { assertTree(source, expected) }
    }

    func testNegativeLiteralsFoldAtFullRange() throws {
        XCTAssertEqual(try SQLParser.parseExpression("-9223372036854775808"), .literal(.integer(.min)))
        XCTAssertEqual(try SQLParser.parseExpression("9223372036854775807"), .literal(.integer(.max)))
        XCTAssertEqual(try SQLParser.parseExpression("-5"), .literal(.integer(-5)))
        XCTAssertEqual(try SQLParser.parseExpression("- 5"), .literal(.integer(-5)))
    }

    func testPredicates() {
        let cases: [(String, String)] = [
            ("a IS NULL", "(A IS NULL)"),
            ("a IS NOT NULL AND b IS NULL", "((A IS NOT NULL) AND (B IS NULL))"),
            ("a IS DISTINCT FROM b", "(A IS DISTINCT FROM B)"),
            ("a IS NOT DISTINCT FROM b + 1", "(A IS NOT DISTINCT FROM (B + 1))"),
            ("a BETWEEN 1 AND 10", "(A BETWEEN 1 AND 10)"),
            ("a NOT BETWEEN b - 1 AND b + 1 AND c", "((A NOT BETWEEN (B - 1) AND (B + 1)) AND C)"),
            ("a IN (1, 2, 3)", "(A IN [1, 2, 3])"),
            ("a NOT IN ('x')", "(A NOT IN ['x'])"),
            ("a LIKE 'x%'", "(A LIKE 'x%')"),
            ("a NOT LIKE '%\\_%' ESCAPE '\\'", "(A NOT LIKE '%\\_%' ESCAPE '\\')"),
            ("NOT a LIKE 'x'", "(NOT (A LIKE 'x'))"),
            ("a || 'x' LIKE b", "((A || 'x') LIKE B)"),
        ]
        for (source, expected) in cases { assertTree(source, expected) }
    }

    func testPrimaryForms() {
        let cases: [(String, String)] = [
            ("s.col", "S.COL"),
            ("`Mixed`.`Case col`", "`Mixed`.`Case col`"),
            ("\"quoted\"", "`quoted`"),
            ("a->b->c", "((A->B)->C)"),
            ("s.a->b", "(S.A->B)"),
            ("a[1]", "(A[1])"),
            ("a['k']", "(A['k'])"),
            ("a[1][2]->f", "(((A[1])[2])->F)"),
            ("f(a)[0]", "(F(A)[0])"),
            ("COUNT(*)", "COUNT(*)"),
            ("count(*)", "COUNT(*)"),
            ("UCASE(a)", "UCASE(A)"),
            ("NOW()", "NOW()"),
            ("SUBSTRING(a, 1, 2)", "SUBSTRING(A, 1, 2)"),
            ("CAST(a AS BIGINT)", "CAST(A AS BIGINT)"),
            ("CAST(a + 1 AS DECIMAL(10, 2))", "CAST((A + 1) AS DECIMAL(10, 2))"),
            ("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END",
             "CASE WHEN (A > 1) THEN 'big' WHEN (A > 0) THEN 'small' ELSE 'none' END"),
            ("CASE a WHEN 1 THEN 'one' END", "CASE A WHEN 1 THEN 'one' END"),
            ("ARRAY[1, 2, a]", "ARRAY[1, 2, A]"),
            ("ARRAY[]", "ARRAY[]"),
            ("MAP('a' := 1, 'b' := x + 1)", "MAP('a':=1, 'b':=(X + 1))"),
            ("STRUCT(name := 'n', age := 3)", "STRUCT(NAME:='n', AGE:=3)"),
            ("TRANSFORM(arr, x => x * 2)", "TRANSFORM(ARR, (\\X => (X * 2)))"),
            ("REDUCE(arr, 0, (s, x) => s + x)", "REDUCE(ARR, 0, (\\S,X => (S + X)))"),
            ("FILTER(m, (k, v) => v > 1 AND k <> 'x')", "FILTER(M, (\\K,V => ((V > 1) AND (K <> 'x'))))"),
            ("TIMESTAMPADD(SECONDS, 5, ts)", "TIMESTAMPADD(SECONDS, 5, TS)"),
            ("${limit} + 1", "(${limit} + 1)"),
            ("'it''s'", "'it''s'"),
            ("TRUE AND false", "(TRUE AND FALSE)"),
            ("NULL", "NULL"),
            ("1.50", "1.50"),
            (".5", ".5"),
            ("2.5e-3", "2.5E-3"),
            ("ROWTIME > WINDOWSTART", "(ROWTIME > WINDOWSTART)"),
            ("ROWPARTITION = 1 AND ROWOFFSET < 10 OR WINDOWEND IS NULL",
             "(((ROWPARTITION = 1) AND (ROWOFFSET < 10)) OR (WINDOWEND IS NULL))"),
            ("timestamp", "TIMESTAMP"),
            ("`timestamp`", "`timestamp`"),
        ]
        for (source, expected) in cases { assertTree(source, expected) }
    }

    func testPseudocolumnsAreColumns() throws {
        for name in ["ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"] {
            XCTAssertEqual(try SQLParser.parseExpression(name.lowercased()), .column(ColumnReference(name: name)))
        }
    }

    func testLiteralValues() throws {
        XCTAssertEqual(try SQLParser.parseExpression("42"), .literal(.integer(42)))
        XCTAssertEqual(try SQLParser.parseExpression("1.0"), .literal(.decimal("1.0")))
        XCTAssertEqual(try SQLParser.parseExpression("1e10"), .literal(.double("1E10")))
        XCTAssertEqual(try SQLParser.parseExpression("'a'"), .literal(.string("a")))
        XCTAssertEqual(try SQLParser.parseExpression("true"), .literal(.boolean(true)))
        XCTAssertEqual(try SQLParser.parseExpression("null"), .literal(.null))
    }

    func testFunctionCallShape() throws {
        XCTAssertEqual(try SQLParser.parseExpression("COUNT(*)"),
                       .function(FunctionCall(name: "COUNT", arguments: [], isStar: true)))
        XCTAssertEqual(try SQLParser.parseExpression("latest_by_offset(v, 3)"),
                       .function(FunctionCall(name: "LATEST_BY_OFFSET", arguments: [
                           .column(ColumnReference(name: "V")), .literal(.integer(3)),
                       ])))
    }
}
