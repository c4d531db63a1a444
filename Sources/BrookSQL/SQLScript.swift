/// One statement's text as cut from a script, before parsing.
public struct StatementText: Sendable, Equatable {
    /// The text exactly as written, including its `;` when there was one.
    public var text: String
    public var location: SourceLocation

    public init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
    }
}

/// Scripts as ksqlDB runs them: cut into statements first (by the lexer, so a `;` inside a string or
/// comment does not cut), then each statement's `${variables}` substituted with the values DEFINEd
/// so far, then parsed. Variables may stand where the parser accepts none (`CREATE STREAM ${name}`,
/// `'${topic}'`), which is why substitution works on text.
public enum SQLScript {
    /// The statements of `script`, in order. Only lexical errors are reported here.
    public static func split(_ script: String) throws(SQLSyntaxError) -> [StatementText] {
        let lexer = SQLLexer(script)
        let tokens = try SQLLexer.tokenize(script)
        var statements: [StatementText] = []
        var start: SQLToken?
        for token in tokens {
            switch token.kind {
            case .symbol(.semicolon):
                if let first = start {
                    statements.append(StatementText(text: lexer.text(from: first.location.offset, to: token.endOffset),
                                                    location: first.location))
                }
                start = nil
            case .endOfInput:
                if let first = start, let last = tokens.dropLast().last {
                    statements.append(StatementText(text: lexer.text(from: first.location.offset, to: last.endOffset),
                                                    location: first.location))
                }
            default:
                if start == nil { start = token }
            }
        }
        return statements
    }

    /// `text` with each `${name}` replaced by its value (names match case-insensitively, as in
    /// ksqlDB); `$${name}` stands for a literal `${name}`. References to undefined variables stay as
    /// written, so the parser reports them where they are.
    public static func substitute(_ text: String, variables: [String: String]) -> String {
        var byUpperName: [String: String] = [:]
        for (name, value) in variables { byUpperName[upper(name)] = value }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let escaped = scalars[index] == "$" && index + 2 < scalars.count && scalars[index + 1] == "$"
                && scalars[index + 2] == "{"
            let referenceStart = escaped ? index + 1 : index
            guard scalars[referenceStart] == "$", referenceStart + 1 < scalars.count, scalars[referenceStart + 1] == "{",
                  let close = scalars[(referenceStart + 2)...].firstIndex(of: "}") else {
                result.append(scalars[index])
                index += 1
                continue
            }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: scalars[(referenceStart + 2)..<close])
            let reference = scalars[referenceStart...close]
            if !escaped, let value = byUpperName[upper(String(name))] {
                result.append(contentsOf: value.unicodeScalars)
            } else {
                result.append(contentsOf: reference)
            }
            index = close + 1
        }
        return String(result)
    }

    private static func upper(_ name: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in name.unicodeScalars { view.append(SQLLexer.upper(scalar)) }
        return String(view)
    }
}
