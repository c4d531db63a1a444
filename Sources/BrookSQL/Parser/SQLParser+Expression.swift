/// Expressions, by ksqlDB's precedence: OR < AND < NOT < predicates (comparison, BETWEEN, IN, LIKE,
/// IS) < `||` < `+ -` < `* / %` < unary sign < postfix (`[i]`, `->f`) < primary. Precedence climbing
/// keeps the recursion to a few frames per nesting level, so deep statements fit small stacks.
extension SQLParser {
    mutating func parseExpression() throws(SQLSyntaxError) -> SQLExpression {
        try parseOperators(atLeast: .or)
    }

    /// A value expression (`||` level and tighter): the operand of comparisons and other predicates.
    mutating func parseValueExpression() throws(SQLSyntaxError) -> SQLExpression {
        try parseOperators(atLeast: .concat)
    }

    /// An expression whose operators all bind at least as tightly as `minimum`. Binary operators are
    /// left-associative; a predicate applies once, to a value expression. Each operator counts as a
    /// level of nesting, since the tree it builds is that deep.
    private mutating func parseOperators(atLeast minimum: ExpressionPrecedence) throws(SQLSyntaxError) -> SQLExpression {
        var links = 0
        defer { leave(links) }
        var (left, leftLevel) = try parsePrefix(atLeast: minimum)
        while true {
            if let op = binaryOperator(), op.precedence >= minimum, leftLevel >= op.precedence {
                advance()
                try enter(cost: 1)
                links += 1
                let next = ExpressionPrecedence(rawValue: op.precedence.rawValue + 1)!
                left = .binary(op, left, try parseOperators(atLeast: next))
                leftLevel = op.precedence
            } else if minimum <= .predicate, leftLevel >= .concat, startsPredicate {
                try enter(cost: 1)
                links += 1
                left = try parsePredicate(on: left)
                leftLevel = .predicate
            } else {
                return left
            }
        }
    }

    /// NOT, a sign, or a postfix expression, with the precedence of what it produced.
    private mutating func parsePrefix(
        atLeast minimum: ExpressionPrecedence
    ) throws(SQLSyntaxError) -> (SQLExpression, ExpressionPrecedence) {
        if checkKeyword("NOT"), minimum <= .not {
            advance()
            try enter()
            defer { leave() }
            return (.not(try parseOperators(atLeast: .not)), .not)
        }
        let sign = current.kind
        guard sign == .symbol(.minus) || sign == .symbol(.plus) else { return (try parsePostfix(), .primary) }
        let negated = sign == .symbol(.minus)
        advance()
        // `-5` is a negative literal, but `-5[1]` negates the subscript (postfix binds tighter).
        let postfixFollows = [.symbol(.leftBracket), .symbol(.arrow)].contains(peek(1).kind)
        if negated, !postfixFollows, let literal = try numericLiteral(negative: true) {
            advance()
            return (.literal(literal), .primary)
        }
        try enter()
        defer { leave() }
        return (.unary(negated: negated, try parseOperators(atLeast: .unary)), .unary)
    }

    private func binaryOperator() -> BinaryOperator? {
        switch current.kind {
        case .word("OR"): .or
        case .word("AND"): .and
        case .symbol(.concat): .concat
        case .symbol(.plus): .add
        case .symbol(.minus): .subtract
        case .symbol(.asterisk): .multiply
        case .symbol(.slash): .divide
        case .symbol(.percent): .modulo
        default: nil
        }
    }

    private var startsPredicate: Bool {
        if comparisonOperator() != nil { return true }
        switch current.kind {
        case .word("IS"), .word("BETWEEN"), .word("IN"), .word("LIKE"): return true
        case .word("NOT"): return [.word("BETWEEN"), .word("IN"), .word("LIKE")].contains(peek(1).kind)
        default: return false
        }
    }

    private mutating func parsePredicate(on value: SQLExpression) throws(SQLSyntaxError) -> SQLExpression {
        if let op = comparisonOperator() {
            advance()
            return .binary(op, value, try parseValueExpression())
        }
        if acceptKeyword("IS") {
            let negated = acceptKeyword("NOT")
            if acceptKeyword("NULL") { return .isNull(value, negated: negated) }
            if acceptKeyword("DISTINCT") {
                try expectKeyword("FROM")
                return .isDistinctFrom(value, try parseValueExpression(), negated: negated)
            }
            throw unexpected("NULL or DISTINCT FROM")
        }
        let negated = acceptKeyword("NOT")
        if acceptKeyword("BETWEEN") {
            let lower = try parseValueExpression()
            try expectKeyword("AND")
            let upper = try parseValueExpression()
            return .between(value, lower: lower, upper: upper, negated: negated)
        }
        if acceptKeyword("IN") {
            try expect(.leftParen)
            var list = [try parseExpression()]
            while accept(.comma) { list.append(try parseExpression()) }
            try expect(.rightParen)
            return .inList(value, list, negated: negated)
        }
        try expectKeyword("LIKE")
        let pattern = try parseValueExpression()
        var escape: String?
        if acceptKeyword("ESCAPE") { escape = try parseStringLiteral("an escape character string") }
        return .like(value, pattern: pattern, escape: escape, negated: negated)
    }

    private func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(.equals): .equal
        case .symbol(.notEqualsAngle), .symbol(.notEqualsBang): .notEqual
        case .symbol(.less): .less
        case .symbol(.lessOrEqual): .lessOrEqual
        case .symbol(.greater): .greater
        case .symbol(.greaterOrEqual): .greaterOrEqual
        default: nil
        }
    }

    /// A primary expression and its subscripts and dereferences. A subscript nests (its index is an
    /// expression); a dereference only deepens the tree, like a chained operator.
    private mutating func parsePostfix() throws(SQLSyntaxError) -> SQLExpression {
        var result = try parsePrimary()
        var spent = 0
        defer { leave(spent) }
        while true {
            if check(.leftBracket) {
                advance()
                try enter()
                spent += Self.nestingCost
                let index = try parseValueExpression()
                try expect(.rightBracket)
                result = .subscript(result, index: index)
            } else if check(.arrow), identifierAt(peek(1)) != nil {
                advance()
                try enter(cost: 1)
                spent += 1
                result = .dereference(result, field: try parseIdentifier("a field name"))
            } else {
                return result
            }
        }
    }

    /// The literal the current number token denotes (negated when a minus sign preceded it).
    private func numericLiteral(negative: Bool) throws(SQLSyntaxError) -> Literal? {
        let sign = negative ? "-" : ""
        switch current.kind {
        case .integer(let text):
            guard let value = Int64(sign + text) else {
                throw SQLSyntaxError(at: current.location, "Invalid numeric literal: \(sign)\(text) does not fit a BIGINT")
            }
            return .integer(value)
        case .decimal(let text): return .decimal(sign + text)
        case .double(let text): return .double(sign + text)
        default: return nil
        }
    }

    private mutating func parsePrimary() throws(SQLSyntaxError) -> SQLExpression {
        if let literal = try numericLiteral(negative: false) {
            advance()
            return .literal(literal)
        }
        let token = current
        switch token.kind {
        case .string(let value):
            advance()
            return .literal(.string(value))
        case .variable(let name):
            advance()
            return .variable(name)
        case .symbol(.leftParen):
            advance()
            try enter()
            defer { leave() }
            let inner = try parseExpression()
            try expect(.rightParen)
            return inner
        case .word("NULL"):
            advance()
            return .literal(.null)
        case .word("TRUE"), .word("FALSE"):
            advance()
            return .literal(.boolean(token.kind == .word("TRUE")))
        case .word("CASE"):
            return try parseCase()
        case .word("CAST"):
            advance()
            try expect(.leftParen)
            try enter()
            defer { leave() }
            let value = try parseExpression()
            try expectKeyword("AS")
            let type = try parseType()
            try expect(.rightParen)
            return .cast(value, type)
        case .word("ARRAY") where peek(1).kind == .symbol(.leftBracket):
            return try parseArrayConstructor()
        case .word("MAP") where peek(1).kind == .symbol(.leftParen):
            return try parseMapConstructor()
        case .word("STRUCT") where peek(1).kind == .symbol(.leftParen):
            return try parseStructConstructor()
        default:
            break
        }
        guard let name = identifierAt(token) else { throw unexpected("an expression") }
        advance()
        if check(.leftParen) { return try parseFunctionCall(name: name) }
        if check(.dot) {
            advance()
            return .column(ColumnReference(qualifier: name, name: try parseIdentifier("a column name")))
        }
        return .column(ColumnReference(name: name))
    }

    private mutating func parseCase() throws(SQLSyntaxError) -> SQLExpression {
        advance()
        try enter()
        defer { leave() }
        var operand: SQLExpression?
        if checkKeyword("END") { throw unexpected("WHEN") }
        if !checkKeyword("WHEN") { operand = try parseValueExpression() }
        var whens: [WhenClause] = []
        while acceptKeyword("WHEN") {
            let condition = try parseExpression()
            try expectKeyword("THEN")
            whens.append(WhenClause(condition: condition, result: try parseExpression()))
        }
        if whens.isEmpty { throw unexpected("WHEN") }
        var otherwise: SQLExpression?
        if acceptKeyword("ELSE") { otherwise = try parseExpression() }
        try expectKeyword("END")
        if let operand { return .simpleCase(operand: operand, whens: whens, else: otherwise) }
        return .searchedCase(whens: whens, else: otherwise)
    }

    private mutating func parseArrayConstructor() throws(SQLSyntaxError) -> SQLExpression {
        advance()
        advance()
        try enter()
        defer { leave() }
        var elements: [SQLExpression] = []
        if !check(.rightBracket) {
            repeat { elements.append(try parseExpression()) } while accept(.comma)
        }
        try expect(.rightBracket)
        return .array(elements)
    }

    private mutating func parseMapConstructor() throws(SQLSyntaxError) -> SQLExpression {
        advance()
        advance()
        try enter()
        defer { leave() }
        var entries: [SQLExpression.MapEntry] = []
        if !check(.rightParen) {
            repeat {
                let key = try parseExpression()
                try expect(.assign)
                entries.append(SQLExpression.MapEntry(key: key, value: try parseExpression()))
            } while accept(.comma)
        }
        try expect(.rightParen)
        return .map(entries)
    }

    private mutating func parseStructConstructor() throws(SQLSyntaxError) -> SQLExpression {
        advance()
        advance()
        try enter()
        defer { leave() }
        var fields: [SQLExpression.StructFieldValue] = []
        if !check(.rightParen) {
            repeat {
                let name = try parseIdentifier("a field name")
                try expect(.assign)
                fields.append(SQLExpression.StructFieldValue(name: name, value: try parseExpression()))
            } while accept(.comma)
        }
        try expect(.rightParen)
        return .struct(fields)
    }

    private mutating func parseFunctionCall(name: String) throws(SQLSyntaxError) -> SQLExpression {
        advance()
        try enter()
        defer { leave() }
        if check(.asterisk), peek(1).kind == .symbol(.rightParen) {
            advance()
            advance()
            return .function(FunctionCall(name: name, arguments: [], isStar: true))
        }
        var arguments: [SQLExpression] = []
        if !check(.rightParen) {
            repeat { arguments.append(try parseFunctionArgument()) } while accept(.comma)
        }
        try expect(.rightParen)
        return .function(FunctionCall(name: name, arguments: arguments))
    }

    /// An expression, a lambda, or a bare time unit. Singular units that are not reserved (DAY,
    /// HOUR, ...) read as column names first, as in ksqlDB's grammar.
    private mutating func parseFunctionArgument() throws(SQLSyntaxError) -> SQLExpression {
        if case .word(let word) = current.kind, let unit = TimeUnit(rawValue: word),
           Keywords.reserved.contains(word),
           [.symbol(.comma), .symbol(.rightParen)].contains(peek(1).kind) {
            advance()
            return .timeUnit(unit)
        }
        if let parameterCount = lambdaParameterCount() {
            var parameters: [String] = []
            if parameterCount == 0 {
                parameters.append(try parseIdentifier("a lambda parameter"))
            } else {
                advance()
                repeat { parameters.append(try parseIdentifier("a lambda parameter")) } while accept(.comma)
                try expect(.rightParen)
            }
            try expect(.lambdaArrow)
            try enter()
            defer { leave() }
            return .lambda(parameters: parameters, body: try parseExpression())
        }
        return try parseExpression()
    }

    /// Whether a lambda starts here: 0 for `x =>`, n for `(x1, ..., xn) =>`, nil otherwise.
    private func lambdaParameterCount() -> Int? {
        if identifierAt(current) != nil, peek(1).kind == .symbol(.lambdaArrow) { return 0 }
        guard check(.leftParen) else { return nil }
        var ahead = 1
        var count = 0
        while identifierAt(peek(ahead)) != nil {
            count += 1
            ahead += 1
            if peek(ahead).kind == .symbol(.comma) {
                ahead += 1
            } else {
                break
            }
        }
        guard count > 0, peek(ahead).kind == .symbol(.rightParen),
              peek(ahead + 1).kind == .symbol(.lambdaArrow) else { return nil }
        return count
    }
}
