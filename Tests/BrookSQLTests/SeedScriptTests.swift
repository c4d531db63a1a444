import XCTest
@testable import BrookSQL

/// The meetup script of issue 15, verbatim (note WHERE before WINDOW in the third statement).
final class SeedScriptTests: XCTestCase {
    static let script = """
        CREATE STREAM logs_stream (timestamp VARCHAR, app VARCHAR, level VARCHAR, msg VARCHAR)
          WITH (KAFKA_TOPIC='logs', VALUE_FORMAT='JSON');
        CREATE STREAM order_errors AS SELECT timestamp, app, msg FROM logs_stream
          WHERE level = 'ERROR' AND app = 'order-service';
        CREATE TABLE error_counts AS SELECT app, COUNT(*) AS error_count, COLLECT_LIST(msg) AS recent_errors
          FROM logs_stream WHERE level = 'ERROR' WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY app;
        """

    private func column(_ name: String) -> SQLExpression { .column(ColumnReference(name: name)) }

    func testSeedScriptParsesIntoThreeStatements() throws {
        let statements = try SQLParser.parse(Self.script)
        XCTAssertEqual(statements.count, 3)

        XCTAssertEqual(statements[0].statement, .createSource(CreateSource(
            kind: .stream, name: "LOGS_STREAM",
            columns: [
                ColumnDefinition(name: "TIMESTAMP", type: .string),
                ColumnDefinition(name: "APP", type: .string),
                ColumnDefinition(name: "LEVEL", type: .string),
                ColumnDefinition(name: "MSG", type: .string),
            ],
            properties: [Property(name: "KAFKA_TOPIC", value: .string("logs")),
                         Property(name: "VALUE_FORMAT", value: .string("JSON"))])))

        XCTAssertEqual(statements[1].statement, .createAsSelect(CreateAsSelect(
            kind: .stream, name: "ORDER_ERRORS",
            query: Query(
                select: [.expression(column("TIMESTAMP"), alias: nil), .expression(column("APP"), alias: nil),
                         .expression(column("MSG"), alias: nil)],
                from: FromClause(source: AliasedSource(name: "LOGS_STREAM")),
                whereClause: .binary(.and, .binary(.equal, column("LEVEL"), .literal(.string("ERROR"))),
                                     .binary(.equal, column("APP"), .literal(.string("order-service"))))))))

        XCTAssertEqual(statements[2].statement, .createAsSelect(CreateAsSelect(
            kind: .table, name: "ERROR_COUNTS",
            query: Query(
                select: [
                    .expression(column("APP"), alias: nil),
                    .expression(.function(FunctionCall(name: "COUNT", arguments: [], isStar: true)), alias: "ERROR_COUNT"),
                    .expression(.function(FunctionCall(name: "COLLECT_LIST", arguments: [column("MSG")])),
                                alias: "RECENT_ERRORS"),
                ],
                from: FromClause(source: AliasedSource(name: "LOGS_STREAM")),
                window: WindowExpression(kind: .tumbling(size: SQLDuration(amount: 1, unit: .hour)!)),
                whereClause: .binary(.equal, column("LEVEL"), .literal(.string("ERROR"))),
                groupBy: [column("APP")]))))
    }

    func testStatementTextsAreTheOriginalTextWithTheirSemicolons() throws {
        let statements = try SQLParser.parse(Self.script)
        XCTAssertEqual(statements[0].text, """
            CREATE STREAM logs_stream (timestamp VARCHAR, app VARCHAR, level VARCHAR, msg VARCHAR)
              WITH (KAFKA_TOPIC='logs', VALUE_FORMAT='JSON');
            """)
        XCTAssertEqual(statements[1].text, """
            CREATE STREAM order_errors AS SELECT timestamp, app, msg FROM logs_stream
              WHERE level = 'ERROR' AND app = 'order-service';
            """)
        XCTAssertTrue(statements[2].text.hasPrefix("CREATE TABLE error_counts AS SELECT app"))
        XCTAssertTrue(statements[2].text.hasSuffix("GROUP BY app;"))
        XCTAssertEqual(statements.map(\.location.line), [1, 3, 5])
        XCTAssertEqual(statements.map(\.location.column), [1, 1, 1])
    }

    func testWindowAfterWhereEqualsWindowBeforeWhere() throws {
        let ksqlOrder = try SQLParser.parseStatement("""
            CREATE TABLE error_counts AS SELECT app, COUNT(*) AS error_count, COLLECT_LIST(msg) AS recent_errors
              FROM logs_stream WINDOW TUMBLING (SIZE 1 HOUR) WHERE level = 'ERROR' GROUP BY app;
            """)
        let seed = try SQLParser.parse(Self.script)[2].statement
        XCTAssertEqual(seed, ksqlOrder)
    }

    func testTheIssuesQueriesParse() throws {
        guard case .query(let push) = try SQLParser.parseStatement("SELECT * FROM order_errors EMIT CHANGES;") else {
            return XCTFail("not a query")
        }
        XCTAssertEqual(push.select, [.all])
        XCTAssertEqual(push.emit, .changes)
        guard case .query(let pull) = try SQLParser.parseStatement("SELECT * FROM error_counts WHERE app = 'order-service';") else {
            return XCTFail("not a query")
        }
        XCTAssertNil(pull.emit)
        XCTAssertEqual(pull.whereClause, .binary(.equal, column("APP"), .literal(.string("order-service"))))
    }

    func testSeedScriptFormatsAndReadsBack() throws {
        let statements = try SQLParser.parse(Self.script).map(\.statement)
        let formatted = SQLFormatter.format(script: statements)
        XCTAssertEqual(try SQLParser.parse(formatted).map(\.statement), statements)
        XCTAssertEqual(statements[2].description, "CREATE TABLE ERROR_COUNTS AS SELECT APP, COUNT(*) AS ERROR_COUNT, "
            + "COLLECT_LIST(MSG) AS RECENT_ERRORS FROM LOGS_STREAM WINDOW TUMBLING (SIZE 1 HOUR) "
            + "WHERE LEVEL = 'ERROR' GROUP BY APP")
    }
}
