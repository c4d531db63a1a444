/// A regular expression compiled once and shared (Swift's `Regex`, close to java.util.regex for the
/// patterns topic routing uses), with Java's `matches()` and `replaceFirst` replacement syntax.
final class JavaRegex: @unchecked Sendable {
    // Immutable after init; Regex itself is a value whose matching does not mutate it.
    let pattern: String
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = try Regex(pattern)
    }

    /// Java's `Matcher.matches()`: the whole input matches.
    func matchesWhole(_ input: String) -> Bool {
        (try? regex.wholeMatch(in: input)) != nil
    }

    /// Java's `Matcher.replaceFirst(replacement)`: `$n` / `${name}` insert groups, `\` escapes.
    func replaceFirst(in input: String, with replacement: String) throws -> String {
        guard let match = try regex.firstMatch(in: input) else { return input }
        var out = String(input[..<match.range.lowerBound])
        let chars = Array(replacement)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                out.append(chars[i + 1])
                i += 2
            } else if c == "$", i + 1 < chars.count {
                if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                    let name = String(chars[(i + 2)..<close])
                    if let group = match.output[name]?.substring { out += group }
                    i = close + 1
                } else if let digit = chars[i + 1].wholeNumberValue, chars[i + 1].isASCII {
                    var number = digit
                    var j = i + 2
                    // Java takes further digits while the group number stays valid.
                    while j < chars.count, let d = chars[j].wholeNumberValue, chars[j].isASCII, number * 10 + d < match.output.count {
                        number = number * 10 + d
                        j += 1
                    }
                    guard number < match.output.count else { throw JavaRegexError.noGroup(number) }
                    if let group = match.output[number].substring { out += group }
                    i = j
                } else {
                    throw JavaRegexError.illegalGroupReference
                }
            } else {
                out.append(c)
                i += 1
            }
        }
        out += input[match.range.upperBound...]
        return out
    }
}

enum JavaRegexError: Error, CustomStringConvertible {
    case noGroup(Int)
    case illegalGroupReference

    var description: String {
        switch self {
        case let .noGroup(n): "No group \(n)"
        case .illegalGroupReference: "Illegal group reference"
        }
    }
}
