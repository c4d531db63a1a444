/// A position in a script: 1-based line and column (in Unicode scalars) and the 0-based scalar offset.
public struct SourceLocation: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}

/// The punctuation and operators of the language.
public enum SQLSymbol: String, Sendable, Equatable, CaseIterable {
    case equals = "="
    case notEqualsAngle = "<>"
    case notEqualsBang = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case plus = "+"
    case minus = "-"
    case asterisk = "*"
    case slash = "/"
    case percent = "%"
    case concat = "||"
    case arrow = "->"
    case lambdaArrow = "=>"
    case assign = ":="
    case doubleColon = "::"
    case dot = "."
    case comma = ","
    case semicolon = ";"
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
}

/// What a token is. Words are keywords or unquoted identifiers (the parser decides which by
/// context); their text is upper-cased as ksqlDB does. Numbers keep their source text so huge or
/// very precise literals lose nothing before the parser judges them.
public enum TokenKind: Sendable, Equatable {
    case word(String)
    /// `back-quoted` or "double-quoted": case kept, never a keyword.
    case quotedIdentifier(String)
    case string(String)
    case integer(String)
    /// Digits with a point and no exponent (ksqlDB's DECIMAL_VALUE).
    case decimal(String)
    /// Digits with an exponent (ksqlDB's FLOATING_POINT_VALUE).
    case double(String)
    /// `${name}`.
    case variable(String)
    case symbol(SQLSymbol)
    case endOfInput
}

/// One lexical unit with where it starts and ends in the script.
public struct SQLToken: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Scalar offset just past the token.
    public var endOffset: Int
    /// The token's text exactly as written.
    public var raw: String

    public init(kind: TokenKind, location: SourceLocation, endOffset: Int, raw: String) {
        self.kind = kind
        self.location = location
        self.endOffset = endOffset
        self.raw = raw
    }
}
