import XCTest
@testable import BrookSQL

/// Tokens, their kinds and 1-based positions.
final class SQLLexerTests: XCTestCase {
    private func kinds(_ source: String) throws -> [TokenKind] {
        try SQLLexer.tokenize(source).map(\.kind).dropLast()
    }

    func testWordsAreUpperCasedAndQuotedIdentifiersKeepCase() throws {
        XCTAssertEqual(try kinds("select Foo_1 `Bar baz` \"Q\"\"x\" `a``b`"), [
            .word("SELECT"), .word("FOO_1"), .quotedIdentifier("Bar baz"), .quotedIdentifier("Q\"x"), .quotedIdentifier("a`b"),
        ])
        XCTAssertEqual(try SQLLexer.tokenize("select Foo")[1].raw, "Foo")
    }

    func testStrings() throws {
        XCTAssertEqual(try kinds("'it''s' '' 'a\nb'"), [.string("it's"), .string(""), .string("a\nb")])
    }

    func testNumbers() throws {
        XCTAssertEqual(try kinds("42 1.5 1. .5 1e3 2.5E-4 1.E+2 007 1abc"), [
            .integer("42"), .decimal("1.5"), .decimal("1."), .decimal(".5"), .double("1E3"), .double("2.5E-4"),
            .double("1.E+2"), .integer("007"), .word("1ABC"),
        ])
    }

    func testOperators() throws {
        let source = "= <> != < <= > >= + - * / % || -> => :: . , ; ( ) [ ] :="
        XCTAssertEqual(try kinds(source), [
            .equals, .notEqualsAngle, .notEqualsBang, .less, .lessOrEqual, .greater, .greaterOrEqual, .plus, .minus,
            .asterisk, .slash, .percent, .concat, .arrow, .lambdaArrow, .doubleColon, .dot, .comma, .semicolon,
            .leftParen, .rightParen, .leftBracket, .rightBracket, .assign,
        ].map { TokenKind.symbol($0) })
    }

    func testCommentsAndVariables() throws {
        XCTAssertEqual(try kinds("a -- line comment\n/* block\n comment */ b ${my_var} c--end"), [
            .word("A"), .word("B"), .variable("my_var"), .word("C"),
        ])
    }

    func testPositionsAreOneBasedLineAndColumn() throws {
        let tokens = try SQLLexer.tokenize("SELECT a,\n  b\n\n\t`c`")
        XCTAssertEqual(tokens.map { [$0.location.line, $0.location.column] },
                       [[1, 1], [1, 8], [1, 9], [2, 3], [4, 2], [4, 5]])
        XCTAssertEqual(tokens.map(\.location.offset), [0, 7, 8, 12, 16, 19])
    }

    func testLexicalErrorsPointAtTheirStart() {
        let cases: [(String, Int, Int, String)] = [
            ("SELECT 'abc", 1, 8, "Unterminated string literal: missing closing '"),
            ("a\n  /* never closed", 2, 3, "Unterminated comment: '/*' has no closing '*/'"),
            ("`open", 1, 1, "Unterminated quoted identifier: missing closing `"),
            ("a ? b", 1, 3, "Unexpected character '?'"),
            ("${x", 1, 1, "Unterminated variable reference: missing closing }"),
            ("$x", 1, 1, "Unexpected character '$': a variable is written ${name}"),
            ("a é", 1, 3, "Unexpected character 'é'"),
        ]
        for (source, line, column, message) in cases {
            XCTAssertThrowsError(try SQLLexer.tokenize(source), source) { error in
                XCTAssertEqual(error as? SQLSyntaxError, SQLSyntaxError(line: line, column: column, message: message), source)
            }
        }
    }
}
