/// Recursive-descent parser of ksqlDB's language. `parse` reads a whole script: statements end with
/// `;`, except that the last may omit it (as ksqlDB's CLI allows). Errors carry line and column;
/// a statement nested past `maximumDepth` is an error rather than a stack overflow.
public struct SQLParser: Sendable {
    /// The nesting budget of one statement. A nested construct (parentheses, a function call, CASE,
    /// NOT, a sign, a type, EXPLAIN, ...) recurses through several parser frames and costs
    /// `nestingCost`; an operator in a chain (`a OR b OR c`) only deepens the tree and costs 1. So 64
    /// nested parentheses or a chain of 256 operators fit, in a 1 MiB stack even in debug builds.
    public static let maximumDepth = 256
    static let nestingCost = 4

    var tokens: [SQLToken]
    var position = 0
    var depth = 0
    private let lexer: SQLLexer

    init(script: String) throws(SQLSyntaxError) {
        lexer = SQLLexer(script)
        tokens = try SQLLexer.tokenize(script)
    }

    /// Every statement of `script`, in order, each with its own text.
    public static func parse(_ script: String) throws(SQLSyntaxError) -> [ParsedStatement] {
        var parser = try SQLParser(script: script)
        return try parser.parseScript()
    }

    /// Exactly one statement (a final `;` is optional).
    public static func parseStatement(_ sql: String) throws(SQLSyntaxError) -> Statement {
        let statements = try parse(sql)
        guard statements.count == 1 else {
            throw SQLSyntaxError(line: 1, column: 1, message: "Expecting exactly one statement, found \(statements.count)")
        }
        return statements[0].statement
    }

    /// One expression and nothing after it.
    public static func parseExpression(_ sql: String) throws(SQLSyntaxError) -> SQLExpression {
        var parser = try SQLParser(script: sql)
        let expression = try parser.parseExpression()
        try parser.expectEnd()
        return expression
    }

    /// One type and nothing after it (`ARRAY<STRUCT<A INT>>`).
    public static func parseType(_ sql: String) throws(SQLSyntaxError) -> SQLType {
        var parser = try SQLParser(script: sql)
        let type = try parser.parseType()
        try parser.expectEnd()
        return type
    }

    mutating func parseScript() throws(SQLSyntaxError) -> [ParsedStatement] {
        var statements: [ParsedStatement] = []
        while true {
            while check(.semicolon) { advance() }
            if current.kind == .endOfInput { return statements }
            let start = current
            let statement = try parseStatement()
            var end = tokens[position - 1].endOffset
            if check(.semicolon) {
                end = current.endOffset
                advance()
            } else if current.kind != .endOfInput {
                throw unexpected("';'")
            }
            statements.append(ParsedStatement(statement: statement,
                                              text: lexer.text(from: start.location.offset, to: end),
                                              location: start.location))
        }
    }

    mutating func expectEnd() throws(SQLSyntaxError) {
        if check(.semicolon) { advance() }
        guard current.kind == .endOfInput else { throw unexpected("end of input") }
    }

    // MARK: - SQLToken cursor

    var current: SQLToken { tokens[position] }

    func peek(_ ahead: Int) -> SQLToken { tokens[min(position + ahead, tokens.count - 1)] }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func check(_ symbol: SQLSymbol) -> Bool { current.kind == .symbol(symbol) }

    func checkKeyword(_ keyword: String) -> Bool { current.kind == .word(keyword) }

    static func isKeyword(_ token: SQLToken, _ keyword: String) -> Bool { token.kind == .word(keyword) }

    mutating func accept(_ symbol: SQLSymbol) -> Bool {
        guard check(symbol) else { return false }
        advance()
        return true
    }

    mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard checkKeyword(keyword) else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: SQLSymbol) throws(SQLSyntaxError) {
        guard accept(symbol) else { throw unexpected("'\(symbol.rawValue)'") }
    }

    mutating func expectKeyword(_ keyword: String) throws(SQLSyntaxError) {
        guard acceptKeyword(keyword) else { throw unexpected("'\(keyword)'") }
    }

    /// An error at the current token: what was expected and what is there.
    func unexpected(_ expected: String) -> SQLSyntaxError {
        SQLSyntaxError(at: current.location, "Expecting \(expected), found \(Self.describe(current))")
    }

    static func describe(_ token: SQLToken) -> String {
        token.kind == .endOfInput ? "end of input" : "'\(token.raw)'"
    }

    /// Spends `cost` of the nesting budget (a nested construct by default); pair with `leave(cost)`.
    mutating func enter(cost: Int = nestingCost) throws(SQLSyntaxError) {
        depth += cost
        if depth > Self.maximumDepth {
            throw SQLSyntaxError(at: current.location, Self.tooDeepMessage)
        }
    }

    mutating func leave(_ cost: Int = nestingCost) { depth -= cost }

    static let tooDeepMessage = "Statement nested too deeply (more than \(maximumDepth / nestingCost) levels of nesting or \(maximumDepth) chained operators)"

    // MARK: - Identifiers and numbers

    /// An unquoted word that is not reserved, or a quoted identifier.
    func identifierAt(_ token: SQLToken) -> String? {
        switch token.kind {
        case .word(let word): Keywords.reserved.contains(word) ? nil : word
        case .quotedIdentifier(let name): name
        default: nil
        }
    }

    mutating func parseIdentifier(_ what: String = "an identifier") throws(SQLSyntaxError) -> String {
        guard let name = identifierAt(current) else { throw unexpected(what) }
        advance()
        return name
    }

    /// A non-negative integer such as a LIMIT or a window size.
    mutating func parseCount(_ what: String) throws(SQLSyntaxError) -> Int {
        guard case .integer(let text) = current.kind else { throw unexpected(what) }
        guard let value = Int(text) else {
            throw SQLSyntaxError(at: current.location, "Invalid numeric literal: \(text) is too large for \(what)")
        }
        advance()
        return value
    }

    mutating func parseDuration() throws(SQLSyntaxError) -> SQLDuration {
        let start = current
        guard case .integer(let text) = current.kind else { throw unexpected("a number of time units") }
        guard let amount = Int64(text) else {
            throw SQLSyntaxError(at: start.location, "Invalid numeric literal: \(text) is too large")
        }
        advance()
        guard case .word(let word) = current.kind, let unit = TimeUnit(rawValue: word) else {
            throw unexpected("a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)")
        }
        advance()
        guard let duration = SQLDuration(amount: amount, unit: unit) else {
            throw SQLSyntaxError(at: start.location, "Duration \(amount) \(unit.rawValue) is too long")
        }
        return duration
    }

    mutating func parseStringLiteral(_ what: String) throws(SQLSyntaxError) -> String {
        guard case .string(let value) = current.kind else { throw unexpected(what) }
        advance()
        return value
    }
}
