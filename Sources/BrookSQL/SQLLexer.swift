/// Splits a script into tokens (ksqlDB's lexical rules: case-insensitive words, '' escapes in
/// strings, -- and /* */ comments, ${variables}). Whitespace and comments are dropped; the last
/// token is always `.endOfInput`.
public struct SQLLexer: Sendable {
    let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    public init(_ script: String) {
        scalars = Array(script.unicodeScalars)
    }

    /// Every token of the script, ending with `.endOfInput`.
    public static func tokenize(_ script: String) throws(SQLSyntaxError) -> [SQLToken] {
        var lexer = SQLLexer(script)
        return try lexer.tokenize()
    }

    public mutating func tokenize() throws(SQLSyntaxError) -> [SQLToken] {
        var tokens: [SQLToken] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    /// The text between two scalar offsets of the script.
    func text(from start: Int, to end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, start)..<min(end, scalars.count)])
        return String(view)
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let position = index + ahead
        return position < scalars.count ? scalars[position] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipTrivia() throws(SQLSyntaxError) {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                advance()
            } else if scalar == "-", peek(1) == "-" {
                while let inComment = peek(), inComment != "\n" { advance() }
            } else if scalar == "/", peek(1) == "*" {
                let start = location
                advance(); advance()
                while true {
                    guard let inComment = peek() else {
                        throw SQLSyntaxError(at: start, "Unterminated comment: '/*' has no closing '*/'")
                    }
                    if inComment == "*", peek(1) == "/" {
                        advance(); advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func next() throws(SQLSyntaxError) -> SQLToken {
        try skipTrivia()
        let start = location
        guard let scalar = peek() else {
            return SQLToken(kind: .endOfInput, location: start, endOffset: index, raw: "")
        }
        let kind: TokenKind
        if Self.isLetter(scalar) || scalar == "_" {
            kind = .word(scanWord())
        } else if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            kind = scanNumber()
        } else if scalar == "'" {
            kind = .string(try scanQuoted(closing: "'", what: "string literal", start: start))
        } else if scalar == "`" {
            kind = .quotedIdentifier(try scanQuoted(closing: "`", what: "quoted identifier", start: start))
        } else if scalar == "\"" {
            kind = .quotedIdentifier(try scanQuoted(closing: "\"", what: "quoted identifier", start: start))
        } else if scalar == "$" {
            kind = try scanVariable(start: start)
        } else if let symbol = scanSymbol() {
            kind = .symbol(symbol)
        } else {
            throw SQLSyntaxError(at: start, "Unexpected character '\(scalar)'")
        }
        return SQLToken(kind: kind, location: start, endOffset: index, raw: text(from: start.offset, to: index))
    }

    private mutating func scanWord() -> String {
        var word = ""
        while let scalar = peek(), Self.isWordPart(scalar) {
            word.unicodeScalars.append(Self.upper(scalar))
            advance()
        }
        return word
    }

    private mutating func scanDigits() {
        while let scalar = peek(), Self.isDigit(scalar) { advance() }
    }

    /// INTEGER_VALUE, DECIMAL_VALUE, FLOATING_POINT_VALUE, or a DIGIT_IDENTIFIER such as `1ABC`.
    private mutating func scanNumber() -> TokenKind {
        let start = index
        scanDigits()
        var hasPoint = false
        if peek() == "." {
            hasPoint = true
            advance()
            scanDigits()
        }
        var hasExponent = false
        if let e = peek(), e == "e" || e == "E" {
            let signLength = (peek(1) == "+" || peek(1) == "-") ? 1 : 0
            if let digit = peek(1 + signLength), Self.isDigit(digit) {
                hasExponent = true
                for _ in 0..<(1 + signLength) { advance() }
                scanDigits()
            }
        }
        if !hasPoint, !hasExponent, let scalar = peek(), Self.isWordPart(scalar) {
            while let scalar = peek(), Self.isWordPart(scalar) { advance() }
            return .word(String(text(from: start, to: index).unicodeScalars.map { Character(Self.upper($0)) }))
        }
        let literal = String(text(from: start, to: index).unicodeScalars.map { Character(Self.upper($0)) })
        if hasExponent { return .double(literal) }
        if hasPoint { return .decimal(literal) }
        return .integer(literal)
    }

    private mutating func scanQuoted(closing: Unicode.Scalar, what: String,
                                     start: SourceLocation) throws(SQLSyntaxError) -> String {
        advance()
        var content = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw SQLSyntaxError(at: start, "Unterminated \(what): missing closing \(closing)")
            }
            advance()
            if scalar == closing {
                if peek() == closing {
                    content.append(closing)
                    advance()
                } else {
                    return String(content)
                }
            } else {
                content.append(scalar)
            }
        }
    }

    private mutating func scanVariable(start: SourceLocation) throws(SQLSyntaxError) -> TokenKind {
        guard peek(1) == "{", let first = peek(2), Self.isLetterOrUnderscore(first) else {
            throw SQLSyntaxError(at: start, "Unexpected character '$': a variable is written ${name}")
        }
        advance(); advance()
        var name = String.UnicodeScalarView()
        while let scalar = peek(), Self.isWordPart(scalar) {
            name.append(scalar)
            advance()
        }
        guard peek() == "}" else {
            throw SQLSyntaxError(at: start, "Unterminated variable reference: missing closing }")
        }
        advance()
        return .variable(String(name))
    }

    private mutating func scanSymbol() -> SQLSymbol? {
        guard let first = peek() else { return nil }
        let second = peek(1)
        let twoScalar: SQLSymbol? = switch (first, second) {
        case ("<", ">"): .notEqualsAngle
        case ("!", "="): .notEqualsBang
        case ("<", "="): .lessOrEqual
        case (">", "="): .greaterOrEqual
        case ("|", "|"): .concat
        case ("-", ">"): .arrow
        case ("=", ">"): .lambdaArrow
        case (":", "="): .assign
        case (":", ":"): .doubleColon
        default: nil
        }
        if let twoScalar {
            advance(); advance()
            return twoScalar
        }
        let single: SQLSymbol? = switch first {
        case "=": .equals
        case "<": .less
        case ">": .greater
        case "+": .plus
        case "-": .minus
        case "*": .asterisk
        case "/": .slash
        case "%": .percent
        case ".": .dot
        case ",": .comma
        case ";": .semicolon
        case "(": .leftParen
        case ")": .rightParen
        case "[": .leftBracket
        case "]": .rightBracket
        default: nil
        }
        if single != nil { advance() }
        return single
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 65 && scalar.value <= 90) || (scalar.value >= 97 && scalar.value <= 122)
    }

    static func isLetterOrUnderscore(_ scalar: Unicode.Scalar) -> Bool { isLetter(scalar) || scalar == "_" }

    /// Letters, digits, `_` and `@` continue an identifier (ksqlDB's IDENTIFIER rule).
    static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || isDigit(scalar) || scalar == "_" || scalar == "@"
    }

    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (scalar.value >= 97 && scalar.value <= 122) ? Unicode.Scalar(scalar.value - 32)! : scalar
    }
}
