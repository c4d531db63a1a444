import XCTest
@testable import BrookSQL

/// SELECT clauses: projections, joins, windows, both WINDOW/WHERE orders, grouping, EMIT and LIMIT.
final class QueryParserTests: XCTestCase {
    private func query(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> Query {
        guard case .query(let query) = try SQLParser.parseStatement(source) else {
            XCTFail("not a query: \(source)", file: file, line: line)
            throw SQLSyntaxError(line: 0, column: 0, message: "not a query")
        }
        return query
    }

    private func column(_ name: String, _ qualifier: String? = nil) -> SQLExpression {
        .column(ColumnReference(qualifier: qualifier, name: name))
    }

    private func duration(_ amount: Int64, _ unit: TimeUnit) -> SQLDuration { SQLDuration(amount: amount, unit: unit)! }

    func testProjections() throws {
        let parsed = try query("SELECT *, s.*, a->*, a AS x, b y, `c` FROM s")
        XCTAssertEqual(parsed.select, [.all, .allOf(source: "S"), .structAll(column("A")), .expression(column("A"), alias: "X"),
                                       .expression(column("B"), alias: "Y"), .expression(column("c"), alias: nil)])
    }

    func testClausesInKsqlOrder() throws {
        let parsed = try query("""
            SELECT k, SUM(v) AS total FROM s WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE, RETENTION 7 DAYS, GRACE PERIOD 10 SECONDS)
            WHERE v > 0 GROUP BY k HAVING SUM(v) > 10 EMIT CHANGES LIMIT 5
            """)
        XCTAssertEqual(parsed.window, WindowExpression(kind: .hopping(size: duration(5, .minutes), advance: duration(1, .minute)),
                                                       retention: duration(7, .days), grace: duration(10, .seconds)))
        XCTAssertEqual(parsed.whereClause, .binary(.greater, column("V"), .literal(.integer(0))))
        XCTAssertEqual(parsed.groupBy, [column("K")])
        XCTAssertEqual(parsed.having, .binary(.greater, .function(FunctionCall(name: "SUM", arguments: [column("V")])),
                                              .literal(.integer(10))))
        XCTAssertEqual(parsed.emit, .changes)
        XCTAssertEqual(parsed.limit, 5)
        XCTAssertEqual(parsed.window?.retention?.milliseconds, 7 * 86_400_000)
    }

    func testWindowBeforeOrAfterWhereIsTheSameQuery() throws {
        let before = try query("SELECT k, COUNT(*) FROM s WINDOW SESSION (30 MINUTES) WHERE k IS NOT NULL GROUP BY k EMIT FINAL")
        let after = try query("SELECT k, COUNT(*) FROM s WHERE k IS NOT NULL WINDOW SESSION (30 MINUTES) GROUP BY k EMIT FINAL")
        XCTAssertEqual(before, after)
        XCTAssertEqual(before.window, WindowExpression(kind: .session(gap: duration(30, .minutes))))
        XCTAssertEqual(before.emit, .final)
    }

    func testWindowTwiceIsAnError() {
        XCTAssertThrowsError(try SQLParser.parse("SELECT k FROM s WINDOW TUMBLING (SIZE 1 HOUR) WHERE a = 1 WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY k"))
    }

    func testWindowForms() throws {
        let cases: [(String, WindowExpression)] = [
            ("TUMBLING (SIZE 1 HOUR)", WindowExpression(kind: .tumbling(size: duration(1, .hour)))),
            ("TUMBLING (SIZE 20 SECONDS, RETENTION 2 DAYS)",
             WindowExpression(kind: .tumbling(size: duration(20, .seconds)), retention: duration(2, .days))),
            ("TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 500 MILLISECONDS)",
             WindowExpression(kind: .tumbling(size: duration(1, .minute)), grace: duration(500, .milliseconds))),
            ("TUMBLING (SIZE 1 MINUTE, RETENTION 1 DAY, GRACE PERIOD 1 MILLISECOND)",
             WindowExpression(kind: .tumbling(size: duration(1, .minute)), retention: duration(1, .day), grace: duration(1, .millisecond))),
            ("HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS)",
             WindowExpression(kind: .hopping(size: duration(10, .seconds), advance: duration(5, .seconds)))),
            ("SESSION (5 HOURS, RETENTION 3 DAYS, GRACE PERIOD 1 HOUR)",
             WindowExpression(kind: .session(gap: duration(5, .hours)), retention: duration(3, .days), grace: duration(1, .hour))),
            ("session (1 second)", WindowExpression(kind: .session(gap: duration(1, .second)))),
        ]
        for (window, expected) in cases {
            XCTAssertEqual(try query("SELECT k FROM s WINDOW \(window) GROUP BY k").window, expected, window)
        }
    }

    func testDurationsKeepUnitAndMilliseconds() {
        let units: [(TimeUnit, Int64)] = [(.millisecond, 1), (.milliseconds, 1), (.second, 1_000), (.seconds, 1_000),
                                          (.minute, 60_000), (.minutes, 60_000), (.hour, 3_600_000), (.hours, 3_600_000),
                                          (.day, 86_400_000), (.days, 86_400_000)]
        for (unit, milliseconds) in units {
            XCTAssertEqual(SQLDuration(amount: 3, unit: unit)?.milliseconds, 3 * milliseconds)
        }
        XCTAssertNil(SQLDuration(amount: .max, unit: .days))
    }

    func testJoinForms() throws {
        let parsed = try query("""
            SELECT * FROM orders o
              JOIN payments p WITHIN 1 HOUR ON o.id = p.order_id
              INNER JOIN shipments AS s WITHIN (10 MINUTES, 2 HOURS) GRACE PERIOD 5 MINUTES ON o.id = s.order_id
              LEFT JOIN users u ON o.user_id = u.id
              LEFT OUTER JOIN a ON o.x = a.x
              RIGHT JOIN b WITHIN 5 SECONDS GRACE PERIOD 1 SECOND ON o.x = b.x
              RIGHT OUTER JOIN c ON o.x = c.x
              FULL JOIN d ON o.x = d.x
              FULL OUTER JOIN e ON o.x = e.x
            EMIT CHANGES
            """)
        XCTAssertEqual(parsed.from.source, AliasedSource(name: "ORDERS", alias: "O"))
        XCTAssertEqual(parsed.from.joins.map(\.type), [.inner, .inner, .left, .left, .right, .right, .full, .full])
        XCTAssertEqual(parsed.from.joins.map(\.source.name), ["PAYMENTS", "SHIPMENTS", "USERS", "A", "B", "C", "D", "E"])
        XCTAssertEqual(parsed.from.joins[0].within, JoinWindow(before: duration(1, .hour)))
        XCTAssertEqual(parsed.from.joins[1].within,
                       JoinWindow(before: duration(10, .minutes), after: duration(2, .hours), grace: duration(5, .minutes)))
        XCTAssertEqual(parsed.from.joins[1].source.alias, "S")
        XCTAssertNil(parsed.from.joins[2].within)
        XCTAssertEqual(parsed.from.joins[4].within, JoinWindow(before: duration(5, .seconds), grace: duration(1, .second)))
        XCTAssertEqual(parsed.from.joins[0].condition, .binary(.equal, column("ID", "O"), column("ORDER_ID", "P")))
        XCTAssertEqual(parsed.emit, .changes)
    }

    func testGroupByAndPartitionByForms() throws {
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY a, b").groupBy, [column("A"), column("B")])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY (a, b)").groupBy, [column("A"), column("B")])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY ()").groupBy, [])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY (a + b) * 2").groupBy,
                       [.binary(.multiply, .binary(.add, column("A"), column("B")), .literal(.integer(2)))])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY (a), b").groupBy, [column("A"), column("B")])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY (a) HAVING COUNT(*) > 1").groupBy, [column("A")])
        XCTAssertEqual(try query("SELECT a FROM s PARTITION BY a->b, c EMIT CHANGES").partitionBy,
                       [.dereference(column("A"), field: "B"), column("C")])
        XCTAssertEqual(try query("SELECT a FROM s PARTITION BY (a, b)").partitionBy, [column("A"), column("B")])
        XCTAssertEqual(try query("SELECT a FROM s GROUP BY a PARTITION BY b").partitionBy, [column("B")])
    }

    func testNonReservedClauseWordsAreNotTakenAsAliases() throws {
        let parsed = try query("SELECT * FROM s EMIT CHANGES")
        XCTAssertNil(parsed.from.source.alias)
        XCTAssertEqual(parsed.emit, .changes)
        XCTAssertEqual(try query("SELECT * FROM s PARTITION BY k").partitionBy, [column("K")])
        XCTAssertEqual(try query("SELECT * FROM s emitter").from.source.alias, "EMITTER")
    }

    func testPullQueryWithWindowBounds() throws {
        let parsed = try query("SELECT * FROM agg WHERE k = 'a' AND WINDOWSTART >= 1000 AND WINDOWEND < 2000 LIMIT 1;")
        XCTAssertNil(parsed.emit)
        XCTAssertEqual(parsed.limit, 1)
    }
}
