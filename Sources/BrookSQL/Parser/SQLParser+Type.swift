/// Types: primitives (with ksqlDB's aliases), DECIMAL(p, s), ARRAY<T>, MAP<K, V>, STRUCT<name T, ...>,
/// the postfix `T ARRAY`, and names of registered custom types.
extension SQLParser {
    mutating func parseType() throws(SQLSyntaxError) -> SQLType {
        try enter()
        defer { leave() }
        var type = try parseTypeWithoutSuffix()
        while checkKeyword("ARRAY"), peek(1).kind != .symbol(.less) {
            advance()
            type = .array(type)
        }
        return type
    }

    private mutating func parseTypeWithoutSuffix() throws(SQLSyntaxError) -> SQLType {
        let token = current
        guard case .word(let word) = token.kind else {
            if case .quotedIdentifier(let name) = token.kind {
                advance()
                return .custom(name)
            }
            throw unexpected("a type")
        }
        switch word {
        case "ARRAY":
            advance()
            try expect(.less)
            let element = try parseType()
            try expect(.greater)
            return .array(element)
        case "MAP":
            advance()
            try expect(.less)
            let key = try parseType()
            try expect(.comma)
            let value = try parseType()
            try expect(.greater)
            return .map(key: key, value: value)
        case "STRUCT":
            advance()
            // `STRUCT<>` lexes as STRUCT and the `<>` operator.
            if accept(.notEqualsAngle) { return .struct([]) }
            try expect(.less)
            var fields: [SQLType.StructField] = []
            if !check(.greater) {
                repeat {
                    let name = try parseIdentifier("a field name")
                    fields.append(SQLType.StructField(name: name, type: try parseType()))
                } while accept(.comma)
            }
            try expect(.greater)
            return .struct(fields)
        case "DECIMAL":
            advance()
            try expect(.leftParen)
            let precision = try parseCount("a precision")
            try expect(.comma)
            let scale = try parseCount("a scale")
            try expect(.rightParen)
            return .decimal(precision: precision, scale: scale)
        default:
            break
        }
        let primitive: SQLType? = switch word {
        case "BOOLEAN": .boolean
        case "INT", "INTEGER": .integer
        case "BIGINT": .bigint
        case "DOUBLE": .double
        case "STRING", "VARCHAR": .string
        case "BYTES": .bytes
        case "DATE": .date
        case "TIME": .time
        case "TIMESTAMP": .timestamp
        default: nil
        }
        if let primitive {
            advance()
            return primitive
        }
        guard let name = identifierAt(token) else { throw unexpected("a type") }
        advance()
        return .custom(name)
    }
}
