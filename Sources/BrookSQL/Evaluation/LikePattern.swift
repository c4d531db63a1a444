/// A compiled LIKE pattern: `%` any run, `_` one character, `escape` makes the next one literal.
/// Matching is case-sensitive over Characters, as ksqlDB's LIKE.
struct LikePattern {
    enum Token: Equatable { case literal(Character), one, any }
    let tokens: [Token]

    init(_ pattern: String, escape: Character?) throws {
        var tokens: [Token] = []
        var escaping = false
        for character in pattern {
            if escaping {
                tokens.append(.literal(character))
                escaping = false
            } else if character == escape {
                escaping = true
            } else if character == "%" {
                if tokens.last != .any { tokens.append(.any) }
            } else if character == "_" {
                tokens.append(.one)
            } else {
                tokens.append(.literal(character))
            }
        }
        if escaping { throw SQLEvaluationError.functionFailed(function: "LIKE", reason: "pattern ends with the escape character") }
        self.tokens = tokens
    }

    /// Greedy matching with one backtrack point per `%` (linear in practice, no recursion).
    func matches(_ text: String) -> Bool {
        let chars = Array(text)
        var t = 0, c = 0
        var star: Int? = nil, starC = 0
        while c < chars.count {
            if t < tokens.count, tokens[t] == .one || tokens[t] == .literal(chars[c]) {
                t += 1; c += 1
            } else if t < tokens.count, tokens[t] == .any {
                star = t; starC = c; t += 1
            } else if let s = star {
                t = s + 1; starC += 1; c = starC
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .any { t += 1 }
        return t == tokens.count
    }
}
