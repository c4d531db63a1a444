import XCTest
@testable import BrookSQL

/// Typical mistakes: the error names the line and column, what was expected and what was found.
final class SyntaxErrorTests: XCTestCase {
    func testTypicalMistakes() {
        let cases: [(String, Int, Int, String)] = [
            ("SELEC * FROM s;", 1, 1, "Expecting a statement (\(SQLParser.statementStarts)), found 'SELEC'"),
            ("SELECT * FORM s;", 1, 10, "Expecting 'FROM', found 'FORM'"),
            ("SELECT a\nFROM s\nWHERE a = ;", 3, 11, "Expecting an expression, found ';'"),
            ("CREATE STREAM s (id INT KEY v STRING)", 1, 29, "Expecting ')', found 'v'"),
            ("CREATE STREAM s (id INT, ) WITH (KAFKA_TOPIC='t');", 1, 26, "Expecting a column name, found ')'"),
            ("CREATE TABLE t AS SELECT * FROM s WINDOW TUMBLING (SIZE 1 FORTNIGHT) GROUP BY k;", 1, 59,
             "Expecting a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS), found 'FORTNIGHT'"),
            ("SELECT * FROM s WINDOW SLIDING (SIZE 1 HOUR)", 1, 24, "Expecting TUMBLING, HOPPING or SESSION, found 'SLIDING'"),
            ("SELECT * FROM a JOIN b WITHIN 1 HOUR", 1, 37, "Expecting 'ON', found end of input"),
            ("SELECT * FROM a LEFT b ON a.x = b.x", 1, 22, "Expecting 'JOIN', found 'b'"),
            ("SELECT * FROM s EMIT NOW", 1, 22, "Expecting CHANGES or FINAL, found 'NOW'"),
            ("SELECT * FROM s LIMIT x", 1, 23, "Expecting a row count, found 'x'"),
            ("SELECT (a + b FROM s", 1, 15, "Expecting ')', found 'FROM'"),
            ("SELECT * FROM select", 1, 15, "Expecting a source name, found 'select'"),
            ("DROP VIEW v", 1, 6, "Expecting STREAM or TABLE, found 'VIEW'"),
            ("SET auto.offset.reset = 'earliest'", 1, 5, "Expecting a quoted property name, found 'auto'"),
            ("SELECT 99999999999999999999 FROM s", 1, 8, "Invalid numeric literal: 99999999999999999999 does not fit a BIGINT"),
            ("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC=t)", 1, 43, "Expecting a literal property value, found 't'"),
            ("SELECT CASE END FROM s", 1, 13, "Expecting WHEN, found 'END'"),
            ("CREATE SOURCE STREAM s AS SELECT * FROM t", 1, 8, "CREATE SOURCE STREAM cannot have AS SELECT"),
            ("SELECT * FROM s WINDOW TUMBLING (SIZE 99999999999999999 DAYS)", 1, 39, "Duration 99999999999999999 DAYS is too long"),
        ]
        for (source, line, column, message) in cases {
            XCTAssertThrowsError(try SQLParser.parse(source), source) { error in
                XCTAssertEqual(error as? SQLSyntaxError, SQLSyntaxError(line: line, column: column, message: message), source)
            }
        }
    }

    func testDescriptionHasKsqlDBShape() {
        XCTAssertThrowsError(try SQLParser.parse("SELECT * FORM s")) { error in
            XCTAssertEqual("\(error)", "line 1:10: Syntax Error\nExpecting 'FROM', found 'FORM'")
        }
    }

    func testErrorInALaterStatementPointsIntoTheScript() {
        XCTAssertThrowsError(try SQLParser.parse("SHOW STREAMS;\nSHOW TABLES;\n  DROP TABLE;")) { error in
            XCTAssertEqual(error as? SQLSyntaxError,
                           SQLSyntaxError(line: 3, column: 13, message: "Expecting a table name, found ';'"))
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        for count in [SQLParser.maximumDepth / SQLParser.nestingCost + 1, 500, 10_000] {
            let source = "SELECT " + String(repeating: "(", count: count) + "1" + String(repeating: ")", count: count) + " FROM s"
            XCTAssertThrowsError(try SQLParser.parse(source)) { error in
                XCTAssertEqual((error as? SQLSyntaxError)?.message, SQLParser.tooDeepMessage)
            }
        }
        let ok = "SELECT " + String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60) + " FROM s"
        XCTAssertNoThrow(try SQLParser.parse(ok))
    }

    func testLongOperatorChainsAndOtherNestingAreBounded() {
        let sources = [
            "SELECT " + Array(repeating: "a", count: 10_000).joined(separator: " + ") + " FROM s",
            "SELECT " + Array(repeating: "a", count: 10_000).joined(separator: " OR ") + " FROM s",
            "SELECT " + String(repeating: "NOT ", count: 10_000) + "a FROM s",
            "SELECT " + String(repeating: "- ", count: 10_000) + "a FROM s",
            "SELECT a" + String(repeating: "[1]", count: 10_000) + " FROM s",
            "SELECT a" + String(repeating: "->b", count: 10_000) + " FROM s",
            "SELECT " + String(repeating: "f(", count: 10_000) + String(repeating: ")", count: 10_000) + " FROM s",
            "SELECT " + String(repeating: "ARRAY[", count: 10_000) + String(repeating: "]", count: 10_000) + " FROM s",
            "SELECT CAST(a AS " + String(repeating: "ARRAY<", count: 10_000) + "INT" + String(repeating: ">", count: 10_000) + ") FROM s",
            String(repeating: "EXPLAIN ", count: 10_000) + "SHOW STREAMS",
        ]
        for source in sources {
            XCTAssertThrowsError(try SQLParser.parse(source)) { error in
                XCTAssertEqual((error as? SQLSyntaxError)?.message, SQLParser.tooDeepMessage)
            }
        }
        XCTAssertNoThrow(try SQLParser.parse("SELECT " + Array(repeating: "a = 1", count: 120).joined(separator: " OR ") + " FROM s"))
        XCTAssertNoThrow(try SQLParser.parse("SELECT " + Array(repeating: "a", count: 250).joined(separator: " + ") + " FROM s"))
    }
}
