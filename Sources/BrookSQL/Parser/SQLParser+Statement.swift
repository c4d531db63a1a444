/// Statements, chosen by their first word.
extension SQLParser {
    static let statementStarts = "CREATE, INSERT, SELECT, DROP, SHOW, LIST, DESCRIBE, EXPLAIN, PRINT, TERMINATE, SET, UNSET, DEFINE or UNDEFINE"

    mutating func parseStatement() throws(SQLSyntaxError) -> Statement {
        guard case .word(let word) = current.kind else { throw unexpected("a statement (\(Self.statementStarts))") }
        switch word {
        case "SELECT": return .query(try parseQuery())
        case "CREATE": return try parseCreate()
        case "INSERT": return try parseInsert()
        case "DROP": return try parseDrop()
        case "SHOW", "LIST": return try parseList()
        case "DESCRIBE": return try parseDescribe()
        case "EXPLAIN": return try parseExplain()
        case "PRINT": return try parsePrint()
        case "TERMINATE":
            advance()
            if acceptKeyword("ALL") { return .terminate(queryID: nil) }
            return .terminate(queryID: try parseIdentifier("a query id or ALL"))
        case "SET":
            advance()
            let name = try parseStringLiteral("a quoted property name")
            try expect(.equals)
            return .setProperty(name: name, value: try parseStringLiteral("a quoted property value"))
        case "UNSET":
            advance()
            return .unsetProperty(try parseStringLiteral("a quoted property name"))
        case "DEFINE":
            advance()
            let name = try parseVariableName()
            try expect(.equals)
            return .defineVariable(name: name, value: try parseStringLiteral("a quoted variable value"))
        case "UNDEFINE":
            advance()
            return .undefineVariable(try parseVariableName())
        default:
            throw unexpected("a statement (\(Self.statementStarts))")
        }
    }

    /// Variable names keep their case as written (ksqlDB matches them case-insensitively).
    private mutating func parseVariableName() throws(SQLSyntaxError) -> String {
        guard case .word(let word) = current.kind, !Keywords.all.contains(word) else {
            throw unexpected("a variable name")
        }
        let name = current.raw
        advance()
        return name
    }

    private mutating func parseSourceKind() throws(SQLSyntaxError) -> SourceKind {
        if acceptKeyword("STREAM") { return .stream }
        if acceptKeyword("TABLE") { return .table }
        throw unexpected("STREAM or TABLE")
    }

    private mutating func parseCreate() throws(SQLSyntaxError) -> Statement {
        advance()
        var orReplace = false
        if acceptKeyword("OR") {
            try expectKeyword("REPLACE")
            orReplace = true
        }
        let sourceToken = current
        let isSource = acceptKeyword("SOURCE")
        let kind = try parseSourceKind()
        var ifNotExists = false
        if acceptKeyword("IF") {
            try expectKeyword("NOT")
            try expectKeyword("EXISTS")
            ifNotExists = true
        }
        let name = try parseIdentifier("a \(kind.rawValue.lowercased()) name")
        var columns: [ColumnDefinition]?
        if check(.leftParen) { columns = try parseColumnDefinitions() }
        var properties: [Property] = []
        if acceptKeyword("WITH") { properties = try parseProperties() }
        if columns == nil, checkKeyword("AS") {
            if isSource {
                throw SQLSyntaxError(at: sourceToken.location, "CREATE SOURCE \(kind.rawValue) cannot have AS SELECT")
            }
            advance()
            return .createAsSelect(CreateAsSelect(kind: kind, name: name, orReplace: orReplace, ifNotExists: ifNotExists,
                                                  properties: properties, query: try parseQuery()))
        }
        return .createSource(CreateSource(kind: kind, name: name, orReplace: orReplace, isSource: isSource,
                                          ifNotExists: ifNotExists, columns: columns, properties: properties))
    }

    private mutating func parseColumnDefinitions() throws(SQLSyntaxError) -> [ColumnDefinition] {
        try expect(.leftParen)
        var columns: [ColumnDefinition] = []
        repeat {
            let name = try parseIdentifier("a column name")
            let type = try parseType()
            var constraint = ColumnConstraint.none
            if acceptKeyword("PRIMARY") {
                try expectKeyword("KEY")
                constraint = .primaryKey
            } else if acceptKeyword("KEY") {
                constraint = .key
            } else if acceptKeyword("HEADERS") {
                constraint = .headers
            } else if acceptKeyword("HEADER") {
                try expect(.leftParen)
                constraint = .header(try parseStringLiteral("a quoted header key"))
                try expect(.rightParen)
            }
            columns.append(ColumnDefinition(name: name, type: type, constraint: constraint))
        } while accept(.comma)
        try expect(.rightParen)
        return columns
    }

    /// `(NAME = literal, 'name' = literal, ...)`.
    mutating func parseProperties() throws(SQLSyntaxError) -> [Property] {
        try expect(.leftParen)
        var properties: [Property] = []
        repeat {
            let name: String
            if case .string(let quoted) = current.kind {
                name = quoted
                advance()
            } else {
                name = try parseIdentifier("a property name")
            }
            try expect(.equals)
            properties.append(Property(name: name, value: try parsePropertyValue()))
        } while accept(.comma)
        try expect(.rightParen)
        return properties
    }

    private mutating func parsePropertyValue() throws(SQLSyntaxError) -> Literal {
        let start = current
        let value = try parseValueExpression()
        guard case .literal(let literal) = value else {
            throw SQLSyntaxError(at: start.location, "Expecting a literal property value, found \(Self.describe(start))")
        }
        return literal
    }

    private mutating func parseInsert() throws(SQLSyntaxError) -> Statement {
        advance()
        try expectKeyword("INTO")
        let target = try parseIdentifier("a stream or table name")
        if checkKeyword("VALUES") || check(.leftParen) {
            var columns: [String]?
            if accept(.leftParen) {
                var names = [try parseIdentifier("a column name")]
                while accept(.comma) { names.append(try parseIdentifier("a column name")) }
                try expect(.rightParen)
                columns = names
            }
            try expectKeyword("VALUES")
            try expect(.leftParen)
            var values: [SQLExpression] = []
            if !check(.rightParen) {
                repeat { values.append(try parseValueExpression()) } while accept(.comma)
            }
            try expect(.rightParen)
            return .insertValues(target: target, columns: columns, values: values)
        }
        var properties: [Property] = []
        if acceptKeyword("WITH") { properties = try parseProperties() }
        guard checkKeyword("SELECT") else { throw unexpected("SELECT, VALUES or a column list") }
        return .insertInto(target: target, properties: properties, query: try parseQuery())
    }

    private mutating func parseDrop() throws(SQLSyntaxError) -> Statement {
        advance()
        let kind = try parseSourceKind()
        var ifExists = false
        if acceptKeyword("IF") {
            try expectKeyword("EXISTS")
            ifExists = true
        }
        let name = try parseIdentifier("a \(kind.rawValue.lowercased()) name")
        var deleteTopic = false
        if acceptKeyword("DELETE") {
            try expectKeyword("TOPIC")
            deleteTopic = true
        }
        return .drop(kind: kind, name: name, ifExists: ifExists, deleteTopic: deleteTopic)
    }

    private mutating func parseList() throws(SQLSyntaxError) -> Statement {
        advance()
        let target: ListTarget
        if acceptKeyword("STREAMS") {
            target = .streams(extended: acceptKeyword("EXTENDED"))
        } else if acceptKeyword("TABLES") {
            target = .tables(extended: acceptKeyword("EXTENDED"))
        } else if acceptKeyword("ALL") {
            try expectKeyword("TOPICS")
            target = .topics(all: true, extended: acceptKeyword("EXTENDED"))
        } else if acceptKeyword("TOPICS") {
            target = .topics(all: false, extended: acceptKeyword("EXTENDED"))
        } else if acceptKeyword("QUERIES") {
            target = .queries(extended: acceptKeyword("EXTENDED"))
        } else if acceptKeyword("PROPERTIES") {
            target = .properties
        } else if acceptKeyword("FUNCTIONS") {
            target = .functions
        } else if acceptKeyword("TYPES") {
            target = .types
        } else if acceptKeyword("VARIABLES") {
            target = .variables
        } else {
            throw unexpected("STREAMS, TABLES, TOPICS, QUERIES, PROPERTIES, FUNCTIONS, TYPES or VARIABLES")
        }
        return .list(target)
    }

    private mutating func parseDescribe() throws(SQLSyntaxError) -> Statement {
        advance()
        let next = peek(1).kind
        let endsHere = next == .symbol(.semicolon) || next == .endOfInput || next == .word("EXTENDED")
        if checkKeyword("STREAMS") || (checkKeyword("TABLES") && endsHere) {
            let kind: SourceKind = checkKeyword("STREAMS") ? .stream : .table
            advance()
            return .describeAll(kind, extended: acceptKeyword("EXTENDED"))
        }
        if checkKeyword("FUNCTION"), !endsHere {
            advance()
            return .describeFunction(try parseIdentifier("a function name"))
        }
        let name = try parseIdentifier("a source name, STREAMS, TABLES or FUNCTION")
        return .describe(name: name, extended: acceptKeyword("EXTENDED"))
    }

    private mutating func parseExplain() throws(SQLSyntaxError) -> Statement {
        advance()
        if case .word(let word) = current.kind,
           ["SELECT", "CREATE", "INSERT", "DROP", "SHOW", "LIST", "DESCRIBE", "EXPLAIN", "PRINT", "TERMINATE",
            "UNSET", "DEFINE", "UNDEFINE"].contains(word) || (word == "SET" && peek(1).kind != .symbol(.semicolon)
                                                            && peek(1).kind != .endOfInput) {
            try enter()
            defer { leave() }
            return .explain(try parseStatement())
        }
        return .explainQuery(try parseIdentifier("a query id or a statement"))
    }

    private mutating func parsePrint() throws(SQLSyntaxError) -> Statement {
        advance()
        let topic: String
        switch current.kind {
        case .string(let name), .quotedIdentifier(let name):
            topic = name
        case .word(let word) where !Keywords.reserved.contains(word):
            topic = current.raw
        default:
            throw unexpected("a topic name")
        }
        advance()
        var fromBeginning = false
        if acceptKeyword("FROM") {
            try expectKeyword("BEGINNING")
            fromBeginning = true
        }
        var interval: Int?
        if acceptKeyword("INTERVAL") || acceptKeyword("SAMPLE") { interval = try parseCount("an interval") }
        var limit: Int?
        if acceptKeyword("LIMIT") { limit = try parseCount("a record count") }
        return .print(topic: topic, fromBeginning: fromBeginning, interval: interval, limit: limit)
    }
}
