/// One token of `.proto` text, with where it starts (1-based line and column) for error messages.
struct ProtoToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare word: keyword, name, `true`, `inf`... (dots are separate symbols).
        case identifier
        /// An integer literal as written (decimal, `0x` hex or leading-zero octal).
        case integer
        /// A floating-point literal as written.
        case float
        /// A string literal; `text` holds the decoded value (escapes resolved).
        case string
        /// One punctuation character.
        case symbol
    }

    var kind: Kind
    var text: String
    var line: Int
    var column: Int
}

/// Splits `.proto` text into tokens, dropping whitespace and `//` / `/* */` comments.
enum ProtoLexer {
    static func tokens(_ text: String) throws(InvalidSchemaError) -> [ProtoToken] {
        var scanner = Scanner(bytes: Array(text.utf8))
        return try scanner.run()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var column: Int { index - lineStart + 1 }

        func peek(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        mutating func advance() {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }

        func error(_ reason: String, line: Int, column: Int) -> InvalidSchemaError {
            InvalidSchemaError("Invalid Protobuf schema: \(line):\(column): \(reason)")
        }

        mutating func run() throws(InvalidSchemaError) -> [ProtoToken] {
            var tokens: [ProtoToken] = []
            while let byte = peek() {
                let startLine = line, startColumn = column
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                    advance()
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                    while let b = peek(), b != UInt8(ascii: "\n") { advance() }
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    advance(); advance()
                    while true {
                        guard let b = peek() else { throw error("unterminated block comment", line: startLine, column: startColumn) }
                        if b == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                            advance(); advance()
                            break
                        }
                        advance()
                    }
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    let value = try string(quote: byte, line: startLine, column: startColumn)
                    tokens.append(ProtoToken(kind: .string, text: value, line: startLine, column: startColumn))
                case _ where Self.isLetter(byte):
                    let start = index
                    while let b = peek(), Self.isLetter(b) || Self.isDigit(b) { advance() }
                    tokens.append(ProtoToken(kind: .identifier, text: text(from: start), line: startLine, column: startColumn))
                case _ where Self.isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true):
                    tokens.append(try number(line: startLine, column: startColumn))
                case _ where byte < 0x80 && Self.symbols.contains(byte):
                    advance()
                    tokens.append(ProtoToken(kind: .symbol, text: String(UnicodeScalar(byte)), line: startLine, column: startColumn))
                default:
                    throw error("unexpected character", line: startLine, column: startColumn)
                }
            }
            return tokens
        }

        static let symbols = Set("{}[]()<>;,=.:-+/".utf8)

        static func isLetter(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
        }

        static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        static func isHexDigit(_ b: UInt8) -> Bool {
            isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
        }

        func text(from start: Int) -> String {
            String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func number(line: Int, column: Int) throws(InvalidSchemaError) -> ProtoToken {
            let start = index
            var isFloat = false
            if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
                advance(); advance()
                guard let first = peek(), Self.isHexDigit(first) else { throw error("invalid hex literal", line: line, column: column) }
                while let b = peek(), Self.isHexDigit(b) { advance() }
            } else {
                while let b = peek(), Self.isDigit(b) { advance() }
                if peek() == UInt8(ascii: ".") {
                    isFloat = true
                    advance()
                    while let b = peek(), Self.isDigit(b) { advance() }
                }
                if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                    isFloat = true
                    advance()
                    if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { advance() }
                    guard let d = peek(), Self.isDigit(d) else { throw error("invalid exponent", line: line, column: column) }
                    while let b = peek(), Self.isDigit(b) { advance() }
                }
            }
            if let b = peek(), Self.isLetter(b) {
                throw error("invalid number literal", line: line, column: column)
            }
            return ProtoToken(kind: isFloat ? .float : .integer, text: text(from: start), line: line, column: column)
        }

        mutating func string(quote: UInt8, line: Int, column: Int) throws(InvalidSchemaError) -> String {
            advance()
            var out: [UInt8] = []
            while true {
                guard let b = peek(), b != UInt8(ascii: "\n") else {
                    throw error("unterminated string literal", line: line, column: column)
                }
                advance()
                if b == quote { break }
                guard b == UInt8(ascii: "\\") else {
                    out.append(b)
                    continue
                }
                guard let e = peek() else { throw error("unterminated string literal", line: line, column: column) }
                advance()
                switch e {
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): out.append(e)
                case UInt8(ascii: "x"), UInt8(ascii: "X"):
                    var value = 0, digits = 0
                    while digits < 2, let h = peek(), Self.isHexDigit(h) {
                        value = value * 16 + Self.hexValue(h)
                        digits += 1
                        advance()
                    }
                    guard digits > 0 else { throw error("invalid \\x escape", line: line, column: column) }
                    out.append(UInt8(value))
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(e - UInt8(ascii: "0")), digits = 1
                    while digits < 3, let o = peek(), o >= UInt8(ascii: "0"), o <= UInt8(ascii: "7") {
                        value = value * 8 + Int(o - UInt8(ascii: "0"))
                        digits += 1
                        advance()
                    }
                    out.append(UInt8(value & 0xFF))
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "u") ? 4 : 8
                    var value: UInt32 = 0
                    for _ in 0..<count {
                        guard let h = peek(), Self.isHexDigit(h) else { throw error("invalid unicode escape", line: line, column: column) }
                        value = value &* 16 &+ UInt32(Self.hexValue(h))
                        advance()
                    }
                    guard let scalar = Unicode.Scalar(value) else { throw error("invalid unicode escape", line: line, column: column) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw error("invalid escape sequence", line: line, column: column)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func hexValue(_ b: UInt8) -> Int {
            if isDigit(b) { return Int(b - UInt8(ascii: "0")) }
            if b >= UInt8(ascii: "a") { return Int(b - UInt8(ascii: "a")) + 10 }
            return Int(b - UInt8(ascii: "A")) + 10
        }
    }
}
