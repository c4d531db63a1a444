import XCTest
@testable import BrookSQL
import BrookTestSupport

/// Random token soups and mutations of valid scripts: each either parses or throws SQLSyntaxError
/// with a position inside the script; none crashes or hangs.
final class FuzzTests: XCTestCase {
    private static let pieces = [
        "SELECT", "FROM", "WHERE", "WINDOW", "TUMBLING", "HOPPING", "SESSION", "SIZE", "ADVANCE", "BY", "GROUP",
        "PARTITION", "HAVING", "EMIT", "CHANGES", "FINAL", "LIMIT", "JOIN", "LEFT", "OUTER", "WITHIN", "GRACE", "PERIOD",
        "ON", "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "ESCAPE", "CASE", "WHEN", "THEN", "ELSE", "END",
        "CAST", "AS", "ARRAY", "MAP", "STRUCT", "CREATE", "STREAM", "TABLE", "WITH", "INSERT", "INTO", "VALUES", "DROP",
        "SHOW", "DESCRIBE", "EXPLAIN", "PRINT", "SET", "DEFINE", "TERMINATE", "KEY", "PRIMARY", "HEADERS", "HOUR", "SECONDS",
        "a", "b", "`q`", "'s'", "'it''s'", "1", "-2", "3.5", "1e9", "99999999999999999999999", "${v}",
        "(", ")", "[", "]", ",", ";", ".", "*", "+", "-", "/", "%", "||", "->", "=>", ":=", "::", "=", "<>", "<", ">=",
        "'unterminated", "/* open", "`open", "--", "$", "?", "\n",
    ]

    private func assertParsesOrThrows(_ script: String) {
        do {
            let statements = try SQLParser.parse(script)
            for statement in statements {
                // Whatever parses also formats into something that parses to the same tree.
                let text = SQLFormatter.format(statement.statement)
                XCTAssertEqual(try? SQLParser.parseStatement(text), statement.statement, "\(script)\n→ \(text)")
            }
        } catch {
            let lines = script.split(separator: "\n", omittingEmptySubsequences: false).count
            XCTAssertTrue(error.line >= 1 && error.line <= lines, "\(error) for \(script)")
            XCTAssertGreaterThanOrEqual(error.column, 1)
        }
    }

    func testTokenSoup() {
        var rng = SeededRNG(seed: 1515)
        for _ in 0..<5_000 {
            let count = Int.random(in: 1...30, using: &rng)
            let script = (0..<count).map { _ in Self.pieces.randomElement(using: &rng)! }.joined(separator: " ")
            assertParsesOrThrows(script)
        }
    }

    func testMutationsOfValidScripts() {
        var rng = SeededRNG(seed: 2026)
        let sources = RoundTripTests.corpus
        for _ in 0..<5_000 {
            var scalars = Array(sources.randomElement(using: &rng)!.unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = Int.random(in: 0...scalars.count, using: &rng)
                switch Int.random(in: 0...3, using: &rng) {
                case 0 where position < scalars.count:
                    scalars.remove(at: position)
                case 1:
                    let piece = Self.pieces.randomElement(using: &rng)!
                    scalars.insert(contentsOf: (" " + piece + " ").unicodeScalars, at: position)
                case 2 where position < scalars.count:
                    scalars[position] = "()[];,'`*-".unicodeScalars.randomElement(using: &rng)!
                default:
                    scalars = Array(scalars[0..<position])
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            assertParsesOrThrows(String(view))
        }
    }

    func testPathologicalInputs() {
        let inputs = [
            "SELECT " + String(repeating: "9", count: 10_000) + " FROM s",
            "SELECT 1." + String(repeating: "9", count: 10_000) + " FROM s",
            "SELECT * FROM s LIMIT " + String(repeating: "9", count: 100),
            "SELECT '" + String(repeating: "x", count: 100_000),
            "/*" + String(repeating: "*", count: 10_000),
            String(repeating: "(", count: 10_000),
            String(repeating: ")", count: 10_000),
            String(repeating: ";", count: 10_000),
            "SELECT " + String(repeating: "[", count: 10_000),
            "SELECT " + String(repeating: "CASE WHEN ", count: 10_000),
            "SELECT " + String(repeating: "a, ", count: 10_000) + "a FROM s",
            String(repeating: "SHOW STREAMS;", count: 2_000),
        ]
        for input in inputs { assertParsesOrThrows(input) }
        XCTAssertEqual(try SQLParser.parse(String(repeating: "SHOW STREAMS;", count: 2_000)).count, 2_000)
    }
}
