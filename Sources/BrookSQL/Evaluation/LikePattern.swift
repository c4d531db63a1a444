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

    /// ksqlDB compiles `%` to `.*` and `_` to `.` without DOTALL, so neither matches a line
    /// terminator. Matched by dynamic programming over the tokens: O(text × pattern), no recursion.
    func matches(_ text: String) -> Bool {
        // reachable[t]: the tokens before t can match the text consumed so far.
        var reachable = [Bool](repeating: false, count: tokens.count + 1)
        reachable[0] = true
        for t in tokens.indices where tokens[t] == .any && reachable[t] { reachable[t + 1] = true }
        for character in text {
            var next = [Bool](repeating: false, count: tokens.count + 1)
            let wildcardMatches = !Self.isLineTerminator(character)
            for t in tokens.indices where reachable[t] {
                switch tokens[t] {
                case .literal(let c): if c == character { next[t + 1] = true }
                case .one: if wildcardMatches { next[t + 1] = true }
                case .any: if wildcardMatches { next[t] = true }
                }
            }
            for t in tokens.indices where tokens[t] == .any && next[t] { next[t + 1] = true }
            reachable = next
            if !reachable.contains(true) { return false }
        }
        return reachable[tokens.count]
    }

    private static func isLineTerminator(_ c: Character) -> Bool {
        c == "\n" || c == "\r" || c == "\r\n" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }
}
