/// A syntax check for the regular expressions JSON Schema allows in `pattern` and
/// `patternProperties` (ECMA-262 flavour): balanced groups and classes, complete escapes, known group
/// kinds, quantifiers that follow something and ordered bounds and ranges. It matches nothing; it
/// only rejects what a regex engine would refuse to compile.
enum RegexSyntax {
    /// Why `pattern` is not a regular expression, or nil when it is one.
    static func problem(in pattern: String) -> String? {
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        var openGroups = 0
        var canQuantify = false  // something a quantifier may follow precedes this position
        var justQuantified = false
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                guard i + 1 < chars.count else { return "it ends with a lone backslash" }
                i += 2
                canQuantify = true
                justQuantified = false
                continue
            case "(":
                i += 1
                if i < chars.count, chars[i] == "?" {
                    i += 1
                    guard i < chars.count else { return "a group starting '(?' is cut off" }
                    switch chars[i] {
                    case ":", "=", "!": i += 1
                    case "<":
                        i += 1
                        if i < chars.count, chars[i] == "=" || chars[i] == "!" {
                            i += 1
                        } else {
                            let nameStart = i
                            while i < chars.count, chars[i] != ">" {
                                guard chars[i].properties.isAlphabetic || chars[i] == "_" || chars[i] == "$"
                                    || (i > nameStart && ("0"..."9").contains(chars[i])) else {
                                    return "a group name contains '\(chars[i])'"
                                }
                                i += 1
                            }
                            guard i < chars.count, i > nameStart else { return "a named group has no name or no closing '>'" }
                            i += 1
                        }
                    default: return "'(?\(chars[i])' is not a group kind"
                    }
                }
                openGroups += 1
                canQuantify = false
                justQuantified = false
                continue
            case ")":
                guard openGroups > 0 else { return "')' at offset \(i) closes no group" }
                openGroups -= 1
                canQuantify = true
                justQuantified = false
            case "[":
                guard let end = classEnd(chars, from: i) else { return "'[' at offset \(i) is never closed" }
                if let problem = classProblem(chars, from: i + 1, to: end) { return problem }
                i = end + 1
                canQuantify = true
                justQuantified = false
                continue
            case "|":
                canQuantify = false
                justQuantified = false
            case "*", "+", "?":
                if c == "?" && justQuantified {
                    justQuantified = false
                    canQuantify = false
                    i += 1
                    continue
                }
                guard canQuantify else { return "'\(c)' at offset \(i) follows nothing it could repeat" }
                canQuantify = false
                justQuantified = true
            case "{":
                if let (end, low, high) = bracedQuantifier(chars, from: i) {
                    guard canQuantify else { return "'{' at offset \(i) follows nothing it could repeat" }
                    if let high, high < low { return "the repeat count {\(low),\(high)} is out of order" }
                    i = end + 1
                    canQuantify = false
                    justQuantified = true
                    continue
                }
                canQuantify = true
                justQuantified = false
            case "^", "$":
                canQuantify = false
                justQuantified = false
            default:
                canQuantify = true
                justQuantified = false
            }
            i += 1
        }
        return openGroups > 0 ? "\(openGroups) '(' never closed" : nil
    }

    /// The index of the `]` closing the class that opens at `start`, skipping escapes.
    private static func classEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        if i < chars.count, chars[i] == "^" { i += 1 }
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "]" { return i }
            i += 1
        }
        return nil
    }

    private static func classProblem(_ chars: [Unicode.Scalar], from start: Int, to end: Int) -> String? {
        var items: [Unicode.Scalar?] = []  // nil marks an escape class such as \d, which cannot bound a range
        var i = start
        if i < end, chars[i] == "^" { i += 1 }
        while i < end {
            if chars[i] == "\\" {
                let escaped = chars[i + 1]
                items.append("dDwWsSbBpP".unicodeScalars.contains(escaped) ? nil : escaped)
                i += 2
            } else {
                items.append(chars[i])
                i += 1
            }
        }
        // Ranges: item, '-', item.
        var k = 0
        while k + 2 < items.count {
            if items[k + 1] == "-", let low = items[k], let high = items[k + 2], items[k] != nil {
                if low.value > high.value { return "the class range \(low)-\(high) is out of order" }
                k += 3
            } else {
                k += 1
            }
        }
        return nil
    }

    /// `{n}`, `{n,}` or `{n,m}` at `start`: its closing index and bounds; nil when the brace is a literal.
    private static func bracedQuantifier(_ chars: [Unicode.Scalar], from start: Int) -> (Int, Int, Int?)? {
        var i = start + 1
        func number() -> Int? {
            let begin = i
            var value = 0
            while i < chars.count, ("0"..."9").contains(chars[i]) {
                value = min(value * 10 + Int(chars[i].value - 48), 1_000_000_000)
                i += 1
            }
            return i > begin ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if i < chars.count, chars[i] == "," {
            i += 1
            high = number()
        }
        guard i < chars.count, chars[i] == "}" else { return nil }
        return (i, low, high)
    }
}

extension RegexSyntax {
    /// Whether a backtracking engine can run `pattern` without exploding: no quantified group that
    /// itself contains a quantifier or alternation (`(a+)+`, `(a|aa)*`), no backreferences, and at
    /// most three unbounded quantifiers. Patterns failing this are valid but never executed.
    static func isSafeToRun(_ pattern: String) -> Bool {
        let chars = Array(pattern.unicodeScalars)
        var groupRisky: [Bool] = []  // per open group: contains a quantifier or '|'
        var lastGroupWasRisky = false
        var previousWasGroupEnd = false
        var unbounded = 0
        var i = 0
        func quantified(unboundedQuantifier: Bool) -> Bool {
            if unboundedQuantifier { unbounded += 1 }
            if previousWasGroupEnd && lastGroupWasRisky { return false }
            if !groupRisky.isEmpty { groupRisky[groupRisky.count - 1] = true }
            return true
        }
        while i < chars.count {
            let c = chars[i]
            var groupEnded = false
            switch c {
            case "\\":
                if i + 1 < chars.count {
                    let next = chars[i + 1]
                    if ("1"..."9").contains(next) || next == "k" { return false }
                }
                i += 1
            case "[":
                var j = i + 1
                while j < chars.count, chars[j] != "]" || j == i + 1 {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                i = j
            case "(":
                groupRisky.append(false)
            case ")":
                lastGroupWasRisky = groupRisky.popLast() ?? false
                if lastGroupWasRisky, !groupRisky.isEmpty { groupRisky[groupRisky.count - 1] = true }
                groupEnded = true
            case "|":
                if !groupRisky.isEmpty { groupRisky[groupRisky.count - 1] = true }
            case "*", "+":
                guard quantified(unboundedQuantifier: true) else { return false }
            case "?":
                guard quantified(unboundedQuantifier: false) else { return false }
            case "{":
                var j = i + 1
                while j < chars.count, ("0"..."9").contains(chars[j]) || chars[j] == "," { j += 1 }
                if j < chars.count, chars[j] == "}", j > i + 1 {
                    let body = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                    guard quantified(unboundedQuantifier: body.hasSuffix(",")) else { return false }
                    i = j
                }
            default:
                break
            }
            previousWasGroupEnd = groupEnded
            i += 1
        }
        return unbounded <= 3
    }
}
