/// SELECT ... FROM ... [WINDOW] [WHERE] [WINDOW] [GROUP BY] [PARTITION BY] [HAVING] [EMIT] [LIMIT].
/// WINDOW may come before WHERE (ksqlDB's order) or after it (as many scripts write it).
extension SQLParser {
    mutating func parseQuery() throws(SQLSyntaxError) -> Query {
        try expectKeyword("SELECT")
        try enter()
        defer { leave() }
        var select = [try parseSelectItem()]
        while accept(.comma) { select.append(try parseSelectItem()) }
        try expectKeyword("FROM")
        var query = Query(select: select, from: try parseFrom())
        if checkKeyword("WINDOW") { query.window = try parseWindow() }
        if acceptKeyword("WHERE") { query.whereClause = try parseExpression() }
        if query.window == nil, checkKeyword("WINDOW") { query.window = try parseWindow() }
        if acceptKeyword("GROUP") {
            try expectKeyword("BY")
            query.groupBy = try parseGroupingList()
        }
        if checkKeyword("PARTITION"), Self.isKeyword(peek(1), "BY") {
            advance()
            advance()
            query.partitionBy = try parseGroupingList()
        }
        if acceptKeyword("HAVING") { query.having = try parseExpression() }
        if checkKeyword("EMIT") {
            advance()
            if acceptKeyword("CHANGES") {
                query.emit = .changes
            } else if acceptKeyword("FINAL") {
                query.emit = .final
            } else {
                throw unexpected("CHANGES or FINAL")
            }
        }
        if acceptKeyword("LIMIT") { query.limit = try parseCount("a row count") }
        return query
    }

    private mutating func parseSelectItem() throws(SQLSyntaxError) -> SelectItem {
        if accept(.asterisk) { return .all }
        if let source = identifierAt(current), peek(1).kind == .symbol(.dot), peek(2).kind == .symbol(.asterisk) {
            advance()
            advance()
            advance()
            return .allOf(source: source)
        }
        let expression = try parseExpression()
        if check(.arrow), peek(1).kind == .symbol(.asterisk) {
            advance()
            advance()
            return .structAll(expression)
        }
        if acceptKeyword("AS") {
            return .expression(expression, alias: try parseIdentifier("an alias"))
        }
        if let alias = identifierAt(current), !checkKeyword("EMIT") {
            advance()
            return .expression(expression, alias: alias)
        }
        return .expression(expression, alias: nil)
    }

    /// `expr, expr` or `(expr, expr)` or `()`.
    private mutating func parseGroupingList() throws(SQLSyntaxError) -> [SQLExpression] {
        if check(.leftParen), peek(1).kind == .symbol(.rightParen) {
            advance()
            advance()
            return []
        }
        // A parenthesised list is only a list when a comma follows its first element; `(a + b) * 2`
        // is one expression.
        let start = position
        let startDepth = depth
        if accept(.leftParen) {
            if let list = try? parseValueList(), accept(.rightParen),
               !isValueContinuation {
                return list
            }
            position = start
            depth = startDepth
        }
        return try parseValueList()
    }

    private var isValueContinuation: Bool {
        switch current.kind {
        case .symbol(.semicolon), .endOfInput: false
        case .word(let word): !["PARTITION", "HAVING", "EMIT", "LIMIT"].contains(word)
        default: true
        }
    }

    private mutating func parseValueList() throws(SQLSyntaxError) -> [SQLExpression] {
        var list = [try parseValueExpression()]
        while accept(.comma) { list.append(try parseValueExpression()) }
        return list
    }

    private mutating func parseFrom() throws(SQLSyntaxError) -> FromClause {
        var from = FromClause(source: try parseAliasedSource())
        while let type = try parseJoinType() {
            let source = try parseAliasedSource()
            var within: JoinWindow?
            if acceptKeyword("WITHIN") { within = try parseJoinWindow() }
            try expectKeyword("ON")
            from.joins.append(Join(type: type, source: source, within: within, condition: try parseExpression()))
        }
        return from
    }

    /// The join type if a join starts here (the JOIN keyword is consumed), nil otherwise.
    private mutating func parseJoinType() throws(SQLSyntaxError) -> JoinType? {
        let type: JoinType
        if acceptKeyword("JOIN") { return .inner }
        if checkKeyword("INNER") {
            type = .inner
        } else if checkKeyword("LEFT") {
            type = .left
        } else if checkKeyword("RIGHT") {
            type = .right
        } else if checkKeyword("FULL") {
            type = .full
        } else {
            return nil
        }
        advance()
        if type != .inner { _ = acceptKeyword("OUTER") }
        try expectKeyword("JOIN")
        return type
    }

    private mutating func parseAliasedSource() throws(SQLSyntaxError) -> AliasedSource {
        let name = try parseIdentifier("a source name")
        if acceptKeyword("AS") {
            return AliasedSource(name: name, alias: try parseIdentifier("an alias"))
        }
        // EMIT and PARTITION are not reserved, but here they start the next clause.
        if let alias = identifierAt(current), !checkKeyword("EMIT"), !checkKeyword("PARTITION") {
            advance()
            return AliasedSource(name: name, alias: alias)
        }
        return AliasedSource(name: name)
    }

    private mutating func parseJoinWindow() throws(SQLSyntaxError) -> JoinWindow {
        var window: JoinWindow
        if accept(.leftParen) {
            let before = try parseDuration()
            try expect(.comma)
            let after = try parseDuration()
            try expect(.rightParen)
            window = JoinWindow(before: before, after: after)
        } else {
            window = JoinWindow(before: try parseDuration())
        }
        if checkKeyword("GRACE") { window.grace = try parseGracePeriod() }
        return window
    }

    private mutating func parseGracePeriod() throws(SQLSyntaxError) -> SQLDuration {
        try expectKeyword("GRACE")
        try expectKeyword("PERIOD")
        return try parseDuration()
    }

    private mutating func parseWindow() throws(SQLSyntaxError) -> WindowExpression {
        try expectKeyword("WINDOW")
        let kind: WindowExpression.Kind
        if acceptKeyword("TUMBLING") {
            try expect(.leftParen)
            try expectKeyword("SIZE")
            kind = .tumbling(size: try parseDuration())
        } else if acceptKeyword("HOPPING") {
            try expect(.leftParen)
            try expectKeyword("SIZE")
            let size = try parseDuration()
            try expect(.comma)
            try expectKeyword("ADVANCE")
            try expectKeyword("BY")
            kind = .hopping(size: size, advance: try parseDuration())
        } else if acceptKeyword("SESSION") {
            try expect(.leftParen)
            kind = .session(gap: try parseDuration())
        } else {
            throw unexpected("TUMBLING, HOPPING or SESSION")
        }
        var window = WindowExpression(kind: kind)
        while accept(.comma) {
            if window.retention == nil, window.grace == nil, acceptKeyword("RETENTION") {
                window.retention = try parseDuration()
            } else if window.grace == nil, checkKeyword("GRACE") {
                window.grace = try parseGracePeriod()
            } else {
                throw unexpected(window.grace == nil ? "RETENTION or GRACE PERIOD" : "')'")
            }
        }
        try expect(.rightParen)
        return window
    }
}
