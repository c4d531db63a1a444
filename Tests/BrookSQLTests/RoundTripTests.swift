import XCTest
@testable import BrookSQL
import BrookTestSupport

/// parse(format(parse(x))) == parse(x), over a corpus of statements and over random trees.
final class RoundTripTests: XCTestCase {
    static let corpus = [
        SeedScriptTests.script,
        "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS `Users` (id BIGINT PRIMARY KEY, h BYTES HEADER('k'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) WITH ('kafka_topic'='u', PARTITIONS=3, WRAP_SINGLE_VALUE=false, X=1.5, Y=NULL, Z=-2);",
        "CREATE STREAM s (a STRUCT<b MAP<STRING, ARRAY<DECIMAL(4, 2)>>> KEY, `select` INT);",
        "CREATE STREAM x WITH (KAFKA_TOPIC='x', VALUE_FORMAT='AVRO') AS SELECT o.id, p.* FROM orders o LEFT OUTER JOIN payments AS p WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON o.id = p.id PARTITION BY o.id EMIT CHANGES;",
        "CREATE TABLE t AS SELECT k, TOPK(v, 3), HISTOGRAM(c) AS h FROM s WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 10 MINUTES, RETENTION 2 DAYS, GRACE PERIOD 0 SECONDS) GROUP BY (k) HAVING COUNT(*) >= 2 EMIT FINAL;",
        "INSERT INTO out WITH (QUERY_ID='q') SELECT * FROM s WHERE a NOT BETWEEN -1 AND 1 OR b NOT IN (1, 2) AND NOT c LIKE '%x' ESCAPE '\\';",
        "INSERT INTO s (a, `B`) VALUES (-(5), ARRAY[1, 2], MAP('k' := STRUCT(f := 1.0)));",
        "SELECT CASE WHEN a IS NULL THEN 'n' ELSE CAST(a AS STRING) END AS x, TRANSFORM(arr, x => x * 2), REDUCE(arr, 0, (s, x) => s + x), a->b[1]->c, - -a FROM s LIMIT 3;",
        "SELECT * FROM agg WHERE k = 'a' AND WINDOWSTART >= 1000 AND ROWTIME < ${now};",
        "DROP TABLE IF EXISTS t DELETE TOPIC; DROP STREAM s;",
        "SHOW ALL TOPICS EXTENDED; LIST QUERIES EXTENDED; SHOW PROPERTIES; SHOW FUNCTIONS; SHOW VARIABLES; SHOW TYPES; SHOW STREAMS; LIST TABLES EXTENDED;",
        "DESCRIBE s EXTENDED; DESCRIBE STREAMS EXTENDED; DESCRIBE TABLES; DESCRIBE FUNCTION ucase;",
        "TERMINATE q1; TERMINATE ALL; EXPLAIN q1; EXPLAIN SELECT * FROM s; EXPLAIN EXPLAIN SHOW STREAMS;",
        "PRINT 'Mixed-Topic' FROM BEGINNING INTERVAL 3 LIMIT 4; PRINT t;",
        "SET 'auto.offset.reset'='earliest'; UNSET 'x'; DEFINE fmt = 'it''s'; UNDEFINE fmt;",
    ]

    func testCorpusRoundTrips() throws {
        for script in Self.corpus {
            let parsed = try SQLParser.parse(script).map(\.statement)
            let formatted = SQLFormatter.format(script: parsed)
            do {
                let reparsed = try SQLParser.parse(formatted).map(\.statement)
                XCTAssertEqual(reparsed, parsed, formatted)
                // Formatting is canonical: formatting the reparsed tree gives the same text.
                XCTAssertEqual(SQLFormatter.format(script: reparsed), formatted)
            } catch {
                XCTFail("\(formatted): \(error)")
            }
        }
    }

    func testRandomExpressionsRoundTrip() {
        var trees = RandomTrees(rng: SeededRNG(seed: 15))
        for _ in 0..<3_000 {
            let expression = trees.expression(depth: 5)
            let text = SQLFormatter.format(expression)
            do {
                let reparsed = try SQLParser.parseExpression(text)
                if reparsed != expression {
                    XCTFail("\(text)\n  became \(SQLFormatter.format(reparsed))")
                    return
                }
            } catch {
                XCTFail("\(text): \(error)")
                return
            }
        }
    }

    func testRandomTypesRoundTrip() throws {
        var trees = RandomTrees(rng: SeededRNG(seed: 16))
        for _ in 0..<1_000 {
            let type = trees.type()
            XCTAssertEqual(try SQLParser.parseType(SQLFormatter.format(type)), type, SQLFormatter.format(type))
        }
    }

    func testRandomStatementsRoundTrip() {
        var trees = RandomTrees(rng: SeededRNG(seed: 17))
        for _ in 0..<1_000 {
            let query = trees.query()
            let statements: [Statement] = [
                .query(query),
                .createAsSelect(CreateAsSelect(kind: trees.bool() ? .stream : .table, name: trees.name(),
                                               orReplace: trees.bool(), ifNotExists: trees.bool(),
                                               properties: [Property(name: trees.name(), value: trees.literal())], query: query)),
                .insertInto(target: trees.name(), properties: [], query: query),
                .createSource(CreateSource(kind: .stream, name: trees.name(), orReplace: trees.bool(), isSource: trees.bool(),
                                           columns: [ColumnDefinition(name: trees.name(), type: trees.type(),
                                                                      constraint: trees.pick([.none, .key, .primaryKey, .headers, .header("h'")]))],
                                           properties: [Property(name: trees.name(), value: trees.literal())])),
                .insertValues(target: trees.name(), columns: trees.maybe { [$0.name()] }, values: trees.expressions(0...3, depth: 3)),
                .explain(.query(query)),
            ]
            for statement in statements {
                let text = SQLFormatter.format(statement)
                do {
                    let reparsed = try SQLParser.parseStatement(text)
                    if reparsed != statement {
                        XCTFail("\(text)\n  became \(SQLFormatter.format(reparsed))")
                        return
                    }
                } catch {
                    XCTFail("\(text): \(error)")
                    return
                }
            }
        }
    }
}
