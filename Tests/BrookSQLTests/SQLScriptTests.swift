import XCTest
@testable import BrookSQL

/// Cutting scripts into statement texts and substituting ${variables}, as ksqlDB runs scripts.
final class SQLScriptTests: XCTestCase {
    func testSplitCutsAtSemicolonsOutsideStringsAndComments() throws {
        let statements = try SQLScript.split("""
            DEFINE name = 'a;b'; -- c;d
            CREATE STREAM ${name} /* ; */ WITH (KAFKA_TOPIC='${topic}');;
            SHOW STREAMS
            """)
        XCTAssertEqual(statements.map(\.text), [
            "DEFINE name = 'a;b';",
            "CREATE STREAM ${name} /* ; */ WITH (KAFKA_TOPIC='${topic}');",
            "SHOW STREAMS",
        ])
        XCTAssertEqual(statements.map(\.location.line), [1, 2, 3])
        XCTAssertEqual(try SQLScript.split(" -- nothing\n"), [])
    }

    func testSplitReportsLexicalErrors() {
        XCTAssertThrowsError(try SQLScript.split("SHOW STREAMS; SELECT 'open")) { error in
            XCTAssertEqual((error as? SQLSyntaxError)?.column, 22)
        }
    }

    func testSubstitution() throws {
        let variables = ["streamName": "s1", "TOPIC": "t1", "replicas": "3"]
        let text = SQLScript.substitute(
            "CREATE STREAM ${STREAMNAME} WITH (KAFKA_TOPIC='${topic}', REPLICAS=${Replicas}, X='$${topic}', Y='${missing}');",
            variables: variables)
        XCTAssertEqual(text, "CREATE STREAM s1 WITH (KAFKA_TOPIC='t1', REPLICAS=3, X='${topic}', Y='${missing}');")
        XCTAssertEqual(try SQLParser.parseStatement(text), .createSource(CreateSource(
            kind: .stream, name: "S1", properties: [
                Property(name: "KAFKA_TOPIC", value: .string("t1")), Property(name: "REPLICAS", value: .integer(3)),
                Property(name: "X", value: .string("${topic}")), Property(name: "Y", value: .string("${missing}")),
            ])))
        XCTAssertEqual(SQLScript.substitute("a $ b ${ c $$ ${x", variables: ["x": "y"]), "a $ b ${ c $$ ${x")
    }
}
