import XCTest
@testable import BrookSQL

/// Each statement kind, parsed into the tree it must give.
final class StatementParserTests: XCTestCase {
    private func assertStatements(_ cases: [(String, Statement)], file: StaticString = #filePath, line: UInt = #line) {
        for (source, expected) in cases {
            do {
                let parsed = try SQLParser.parseStatement(source)
                XCTAssertEqual(parsed, expected, source, file: file, line: line)
            } catch {
                XCTFail("\(source): \(error)", file: file, line: line)
            }
        }
    }

    private func column(_ name: String) -> SQLExpression { .column(ColumnReference(name: name)) }
    private func selectAll(from name: String) -> Query {
        Query(select: [.all], from: FromClause(source: AliasedSource(name: name)))
    }

    func testCreateSource() {
        assertStatements([
            ("CREATE STREAM s (id INT KEY, v STRING, h BYTES HEADERS) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=3);",
             .createSource(CreateSource(kind: .stream, name: "S", columns: [
                 ColumnDefinition(name: "ID", type: .integer, constraint: .key),
                 ColumnDefinition(name: "V", type: .string),
                 ColumnDefinition(name: "H", type: .bytes, constraint: .headers),
             ], properties: [
                 Property(name: "KAFKA_TOPIC", value: .string("t")), Property(name: "VALUE_FORMAT", value: .string("JSON")),
                 Property(name: "PARTITIONS", value: .integer(3)),
             ]))),
            ("create or replace source table if not exists `Users` (id BIGINT PRIMARY KEY, trace BYTES HEADER('trace-id'))"
                + " with ('kafka_topic'='users', WRAP_SINGLE_VALUE=false, REPLICAS=1)",
             .createSource(CreateSource(kind: .table, name: "Users", orReplace: true, isSource: true, ifNotExists: true,
                                        columns: [
                                            ColumnDefinition(name: "ID", type: .bigint, constraint: .primaryKey),
                                            ColumnDefinition(name: "TRACE", type: .bytes, constraint: .header("trace-id")),
                                        ],
                                        properties: [
                                            Property(name: "kafka_topic", value: .string("users")),
                                            Property(name: "WRAP_SINGLE_VALUE", value: .boolean(false)),
                                            Property(name: "REPLICAS", value: .integer(1)),
                                        ]))),
            ("CREATE STREAM avro_in WITH (KAFKA_TOPIC='in', VALUE_FORMAT='AVRO')",
             .createSource(CreateSource(kind: .stream, name: "AVRO_IN", properties: [
                 Property(name: "KAFKA_TOPIC", value: .string("in")), Property(name: "VALUE_FORMAT", value: .string("AVRO")),
             ]))),
            ("CREATE TABLE t (k STRING PRIMARY KEY, n DECIMAL(4, 2), tags ARRAY<STRING>, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='t', RETENTION_MS=-1)",
             .createSource(CreateSource(kind: .table, name: "T", columns: [
                 ColumnDefinition(name: "K", type: .string, constraint: .primaryKey),
                 ColumnDefinition(name: "N", type: .decimal(precision: 4, scale: 2)),
                 ColumnDefinition(name: "TAGS", type: .array(.string)),
                 ColumnDefinition(name: "M", type: .map(key: .string, value: .integer)),
             ], properties: [
                 Property(name: "KAFKA_TOPIC", value: .string("t")), Property(name: "RETENTION_MS", value: .integer(-1)),
             ]))),
        ])
    }

    func testCreateAsSelect() {
        assertStatements([
            ("CREATE STREAM x WITH (KAFKA_TOPIC='x') AS SELECT * FROM s EMIT CHANGES;",
             .createAsSelect(CreateAsSelect(kind: .stream, name: "X", properties: [Property(name: "KAFKA_TOPIC", value: .string("x"))],
                                            query: Query(select: [.all], from: FromClause(source: AliasedSource(name: "S")),
                                                         emit: .changes)))),
            ("CREATE OR REPLACE TABLE IF NOT EXISTS agg AS SELECT k, COUNT(*) FROM s GROUP BY k EMIT FINAL",
             .createAsSelect(CreateAsSelect(kind: .table, name: "AGG", orReplace: true, ifNotExists: true,
                                            query: Query(select: [.expression(column("K"), alias: nil),
                                                                  .expression(.function(FunctionCall(name: "COUNT", arguments: [], isStar: true)), alias: nil)],
                                                         from: FromClause(source: AliasedSource(name: "S")),
                                                         groupBy: [column("K")], emit: .final)))),
        ])
    }

    func testInsert() {
        assertStatements([
            ("INSERT INTO out SELECT * FROM s;", .insertInto(target: "OUT", properties: [], query: selectAll(from: "S"))),
            ("INSERT INTO out WITH (QUERY_ID='q1') SELECT * FROM s;",
             .insertInto(target: "OUT", properties: [Property(name: "QUERY_ID", value: .string("q1"))], query: selectAll(from: "S"))),
            ("INSERT INTO s (id, v) VALUES (1, 'a');",
             .insertValues(target: "S", columns: ["ID", "V"], values: [.literal(.integer(1)), .literal(.string("a"))])),
            ("INSERT INTO s VALUES (-1, NULL, ARRAY[1], 2.5);",
             .insertValues(target: "S", columns: nil, values: [.literal(.integer(-1)), .literal(.null), .array([.literal(.integer(1))]),
                                                               .literal(.decimal("2.5"))])),
            ("INSERT INTO s VALUES ();", .insertValues(target: "S", columns: nil, values: [])),
        ])
    }

    func testDropShowDescribe() {
        assertStatements([
            ("DROP STREAM s;", .drop(kind: .stream, name: "S", ifExists: false, deleteTopic: false)),
            ("DROP TABLE IF EXISTS t DELETE TOPIC;", .drop(kind: .table, name: "T", ifExists: true, deleteTopic: true)),
            ("SHOW STREAMS;", .list(.streams(extended: false))),
            ("LIST STREAMS EXTENDED;", .list(.streams(extended: true))),
            ("show tables", .list(.tables(extended: false))),
            ("SHOW TABLES EXTENDED", .list(.tables(extended: true))),
            ("SHOW TOPICS", .list(.topics(all: false, extended: false))),
            ("SHOW ALL TOPICS EXTENDED", .list(.topics(all: true, extended: true))),
            ("LIST TOPICS EXTENDED", .list(.topics(all: false, extended: true))),
            ("SHOW QUERIES", .list(.queries(extended: false))),
            ("SHOW QUERIES EXTENDED", .list(.queries(extended: true))),
            ("SHOW PROPERTIES", .list(.properties)),
            ("LIST FUNCTIONS", .list(.functions)),
            ("SHOW TYPES", .list(.types)),
            ("SHOW VARIABLES", .list(.variables)),
            ("DESCRIBE s", .describe(name: "S", extended: false)),
            ("DESCRIBE s EXTENDED", .describe(name: "S", extended: true)),
            ("DESCRIBE STREAMS", .describeAll(.stream, extended: false)),
            ("DESCRIBE STREAMS EXTENDED", .describeAll(.stream, extended: true)),
            ("DESCRIBE TABLES EXTENDED;", .describeAll(.table, extended: true)),
            ("DESCRIBE FUNCTION ucase", .describeFunction("UCASE")),
            ("DESCRIBE `function`", .describe(name: "function", extended: false)),
        ])
    }

    func testQueryControlAndSession() {
        assertStatements([
            ("TERMINATE CTAS_USERS_0;", .terminate(queryID: "CTAS_USERS_0")),
            ("TERMINATE ALL;", .terminate(queryID: nil)),
            ("EXPLAIN CSAS_X_1;", .explainQuery("CSAS_X_1")),
            ("EXPLAIN SELECT * FROM s;", .explain(.query(selectAll(from: "S")))),
            ("EXPLAIN CREATE STREAM x AS SELECT * FROM s;",
             .explain(.createAsSelect(CreateAsSelect(kind: .stream, name: "X", query: selectAll(from: "S"))))),
            ("PRINT 'my-topic';", .print(topic: "my-topic", fromBeginning: false, interval: nil, limit: nil)),
            ("PRINT logs FROM BEGINNING INTERVAL 2 LIMIT 10;", .print(topic: "logs", fromBeginning: true, interval: 2, limit: 10)),
            ("PRINT MixedCase LIMIT 1", .print(topic: "MixedCase", fromBeginning: false, interval: nil, limit: 1)),
            ("SET 'auto.offset.reset'='earliest';", .setProperty(name: "auto.offset.reset", value: "earliest")),
            ("UNSET 'auto.offset.reset';", .unsetProperty("auto.offset.reset")),
            ("DEFINE format = 'JSON';", .defineVariable(name: "format", value: "JSON")),
            ("UNDEFINE format;", .undefineVariable("format")),
        ])
    }

    func testScriptSplitting() throws {
        let statements = try SQLParser.parse("""
            -- a comment before
            SHOW STREAMS; /* between */ SHOW TABLES;;
            DESCRIBE s
            """)
        XCTAssertEqual(statements.map(\.statement), [.list(.streams(extended: false)), .list(.tables(extended: false)),
                                                     .describe(name: "S", extended: false)])
        XCTAssertEqual(statements.map(\.text), ["SHOW STREAMS;", "SHOW TABLES;", "DESCRIBE s"])
        XCTAssertEqual(statements.map(\.location.line), [2, 2, 3])
        XCTAssertEqual(statements.map(\.location.column), [1, 29, 1])
        XCTAssertEqual(try SQLParser.parse("  -- only a comment\n"), [])
        XCTAssertEqual(try SQLParser.parse(""), [])
    }

    func testStatementsMustBeSeparated() {
        XCTAssertThrowsError(try SQLParser.parse("SHOW STREAMS SHOW TABLES")) { error in
            XCTAssertEqual(error as? SQLSyntaxError,
                           SQLSyntaxError(line: 1, column: 14, message: "Expecting ';', found 'SHOW'"))
        }
    }
}
