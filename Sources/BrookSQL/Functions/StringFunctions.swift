/// ksqlDB's string UDFs (function/udf/string). Positions and lengths count UTF-16 code units, as
/// Java's String does.
enum StringFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("CONCAT", [FunctionSignature([.string], variadic: true, returns: .string)], nullOnNullInput: false) { args, _ in
            // Concat skips NULL arguments.
            .string(try args.filter { !$0.isNull }.map { try Arg.string([$0], 0, "CONCAT") }.joined())
        },
        ScalarFunction("CONCAT_WS", [FunctionSignature([.string, .string], variadic: true, returns: .string)], nullOnNullInput: false) { args, _ in
            guard let first = args.first, !first.isNull else { return .null }
            let separator = try Arg.string(args, 0, "CONCAT_WS")
            return .string(try args.dropFirst().filter { !$0.isNull }.map { try Arg.string([$0], 0, "CONCAT_WS") }.joined(separator: separator))
        },
        ScalarFunction("LCASE", [FunctionSignature([.string], returns: .string)]) { args, _ in
            .string(try Arg.string(args, 0, "LCASE").lowercased())
        },
        ScalarFunction("UCASE", [FunctionSignature([.string], returns: .string)]) { args, _ in
            .string(try Arg.string(args, 0, "UCASE").uppercased())
        },
        ScalarFunction("LEN", [FunctionSignature([.string], returns: .int), FunctionSignature([.bytes], returns: .int)]) { args, _ in
            if case .bytes(let b) = args.first { return .int(Int32(b.count)) }
            return .int(Int32(try Arg.string(args, 0, "LEN").utf16.count))
        },
        ScalarFunction("SUBSTRING", [FunctionSignature([.string, .int], returns: .string), FunctionSignature([.string, .int, .int], returns: .string)]) { args, _ in
            try Arg.arity(args, 2...3, "SUBSTRING")
            let units = Array(try Arg.string(args, 0, "SUBSTRING").utf16)
            let (start, end) = try substringBounds(units.count, args)
            return .string(String(decoding: units[start..<end], as: UTF16.self))
        },
        ScalarFunction("TRIM", [FunctionSignature([.string], returns: .string)]) { args, _ in
            .string(try Arg.string(args, 0, "TRIM").trimmingSQLWhitespace())
        },
        ScalarFunction("LPAD", [FunctionSignature([.string, .int, .string], returns: .string)]) { args, _ in
            try pad(args, left: true)
        },
        ScalarFunction("RPAD", [FunctionSignature([.string, .int, .string], returns: .string)]) { args, _ in
            try pad(args, left: false)
        },
        ScalarFunction("REPLACE", [FunctionSignature([.string, .string, .string], returns: .string)]) { args, _ in
            let s = try Arg.string(args, 0, "REPLACE"), old = try Arg.string(args, 1, "REPLACE"), new = try Arg.string(args, 2, "REPLACE")
            return .string(replaceAll(s, old, new))
        },
        ScalarFunction("SPLIT", [FunctionSignature([.string, .string], returns: .array(.string))]) { args, _ in
            let s = try Arg.string(args, 0, "SPLIT"), delimiter = try Arg.string(args, 1, "SPLIT")
            if delimiter.isEmpty { return .array(s.map { .string(String($0)) }) }
            return .array(split(s, delimiter).map(SQLValue.string))
        },
        ScalarFunction("INSTR", [FunctionSignature([.string, .string], returns: .int), FunctionSignature([.string, .string, .int], returns: .int), FunctionSignature([.string, .string, .int, .int], returns: .int)], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...4, "INSTR")
            guard case .string(let s) = args[0], case .string(let sub) = args[1] else { return .int(0) }
            let position = args.count > 2 ? try Arg.int32(args, 2, "INSTR") : 1
            let occurrence = args.count > 3 ? try Arg.int32(args, 3, "INSTR") : 1
            return .int(Int32(instr(Array(s.utf16), Array(sub.utf16), position, occurrence)))
        },
        ScalarFunction("REGEXP_EXTRACT", [FunctionSignature([.string, .string], returns: .string), FunctionSignature([.string, .string, .int], returns: .string)]) { args, _ in
            try Arg.arity(args, 2...3, "REGEXP_EXTRACT")
            let regex = try compile(try Arg.string(args, 0, "REGEXP_EXTRACT"), "REGEXP_EXTRACT")
            let input = try Arg.string(args, 1, "REGEXP_EXTRACT")
            let group = args.count > 2 ? Int(try Arg.integer(args, 2, "REGEXP_EXTRACT")) : 0
            guard let match = try? regex.firstMatch(in: input) else { return .null }
            guard group >= 0, group < match.output.count else {
                throw SQLEvaluationError.functionFailed(function: "REGEXP_EXTRACT", reason: "no group \(group)")
            }
            return match.output[group].substring.map { .string(String($0)) } ?? .null
        },
        ScalarFunction("REGEXP_REPLACE", [FunctionSignature([.string, .string, .string], returns: .string)]) { args, _ in
            let input = try Arg.string(args, 0, "REGEXP_REPLACE")
            let regex = try compile(try Arg.string(args, 1, "REGEXP_REPLACE"), "REGEXP_REPLACE")
            let replacement = try Arg.string(args, 2, "REGEXP_REPLACE")
            return .string(try regexReplace(input, regex, replacement))
        },
        ScalarFunction("MASK", [FunctionSignature([.string], returns: .string), FunctionSignature([.string, .string, .string, .string, .string], returns: .string)], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 1...5, "MASK")
            guard case .string(let s) = args[0] else { return .null }
            let masker = try Masker(args.dropFirst(1))
            return .string(masker.mask(s, { _ in true }))
        },
        ScalarFunction("UUID", [FunctionSignature([], returns: .string)]) { _, context in
            .string(context.uuid())
        },
        maskVariant("MASK_LEFT") { i, n, _ in i < n },
        maskVariant("MASK_RIGHT") { i, n, count in i >= count - n },
        maskVariant("MASK_KEEP_LEFT") { i, n, _ in i >= n },
        maskVariant("MASK_KEEP_RIGHT") { i, n, count in i < count - n },
    ]

    /// MASK_LEFT(s, n [, upper, lower, digit, other]) and friends: `masked(index, n, length)`.
    private static func maskVariant(_ name: String, _ masked: @escaping @Sendable (Int, Int, Int) -> Bool) -> ScalarFunction {
        ScalarFunction(name, [FunctionSignature([.string, .int], returns: .string), FunctionSignature([.string, .int, .string, .string, .string, .string], returns: .string)], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...6, name)
            guard case .string(let s) = args[0] else { return .null }
            let n = try Arg.int32(args, 1, name)
            guard n >= 0 else { throw SQLEvaluationError.functionFailed(function: name, reason: "requires a non-negative number of characters to mask or skip") }
            let masker = try Masker(args.dropFirst(2))
            let count = s.unicodeScalars.count
            return .string(masker.mask(s) { masked($0, n, count) })
        }
    }

    /// ksqlDB's Masker: upper → X, lower → x, digit → n, other → -; a NULL mask keeps the character.
    struct Masker {
        var upper: Character? = "X", lower: Character? = "x", digit: Character? = "n", other: Character? = "-"

        init(_ masks: ArraySlice<SQLValue>) throws {
            guard !masks.isEmpty else { return }
            let given = Array(masks) + Array(repeating: SQLValue.null, count: max(0, 4 - masks.count))
            func mask(_ v: SQLValue) throws -> Character? {
                guard case .string(let s) = v else { return nil }
                guard s.count == 1 else { throw SQLEvaluationError.functionFailed(function: "MASK", reason: "Invalid mask character. Must be only single character, but was '\(s)'") }
                return s.first
            }
            (upper, lower, digit, other) = (try mask(given[0]), try mask(given[1]), try mask(given[2]), try mask(given[3]))
        }

        func mask(_ s: String, _ applies: (Int) -> Bool) -> String {
            var out = String.UnicodeScalarView()
            for (i, scalar) in s.unicodeScalars.enumerated() {
                let replacement: Character?
                switch scalar.properties.generalCategory {
                case .uppercaseLetter: replacement = upper
                case .lowercaseLetter: replacement = lower
                case .decimalNumber: replacement = digit
                default: replacement = other
                }
                if applies(i), let r = replacement { out.append(contentsOf: r.unicodeScalars) } else { out.append(scalar) }
            }
            return String(out)
        }
    }

    /// Substring's start/end indices (ksqlDB: negative positions count from the end; clamped).
    private static func substringBounds(_ length: Int, _ args: [SQLValue]) throws -> (Int, Int) {
        let pos = try Arg.int32(args, 1, "SUBSTRING")
        let start = pos < 0 ? max(length + pos, 0) : max(min(pos - 1, length), 0)
        guard args.count > 2 else { return (start, length) }
        let count = try Arg.int32(args, 2, "SUBSTRING")
        return (start, max(min(start + count, length), start))
    }

    static let maximumPaddedLength = 16 * 1024 * 1024

    /// LPAD/RPAD: NULL for a negative length or empty padding; the input is cut to `length`.
    private static func pad(_ args: [SQLValue], left: Bool) throws -> SQLValue {
        let name = left ? "LPAD" : "RPAD"
        let input = Array(try Arg.string(args, 0, name).utf16)
        let length = try Arg.int32(args, 1, name)
        let padding = Array(try Arg.string(args, 2, name).utf16)
        guard length >= 0, !padding.isEmpty else { return .null }
        // ksqlDB would build a string of any INT length; a cap keeps one bad row from exhausting memory.
        guard length <= maximumPaddedLength else {
            throw SQLEvaluationError.functionFailed(function: name, reason: "target length \(length) exceeds \(maximumPaddedLength)")
        }
        if input.count >= length { return .string(String(decoding: input.prefix(length), as: UTF16.self)) }
        var fill: [UInt16] = []
        while fill.count < length - input.count { fill.append(padding[fill.count % padding.count]) }
        return .string(String(decoding: left ? fill + input : input + fill, as: UTF16.self))
    }

    static func replaceAll(_ s: String, _ old: String, _ new: String) -> String {
        if old.isEmpty {
            // Java inserts the replacement between every character and at both ends.
            return new + s.map { String($0) + new }.joined()
        }
        return split(s, old).joined(separator: new)
    }

    /// Splits on every occurrence, keeping empty pieces (Guava's Splitter.on).
    static func split(_ s: String, _ delimiter: String) -> [String] {
        let text = Array(s.utf16), d = Array(delimiter.utf16)
        var pieces: [String] = [], start = 0, i = 0
        while i + d.count <= text.count {
            if Array(text[i..<(i + d.count)]) == d {
                pieces.append(String(decoding: text[start..<i], as: UTF16.self))
                i += d.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(String(decoding: text[start...], as: UTF16.self))
        return pieces
    }

    /// Instr: 1-based index of the `occurrence`th match from `position` (negative: search backwards
    /// from that many units before the end); 0 when absent.
    private static func instr(_ s: [UInt16], _ sub: [UInt16], _ position: Int, _ occurrence: Int) -> Int {
        guard position != 0, abs(position) <= s.count, occurrence > 0 else { return 0 }
        if position < 0 {
            let reversed = instr(s.reversed(), sub.reversed(), -position, occurrence)
            return reversed == 0 ? 0 : s.count - reversed - sub.count + 2
        }
        var found = 0, i = position - 1
        while i + sub.count <= s.count {
            if Array(s[i..<(i + sub.count)]) == sub {
                found += 1
                if found == occurrence { return i + 1 }
            }
            i += 1
        }
        return 0
    }

    static func compile(_ pattern: String, _ name: String) throws -> Regex<AnyRegexOutput> {
        do { return try Regex(pattern) } catch {
            throw SQLEvaluationError.functionFailed(function: name, reason: "invalid regular expression '\(pattern)'")
        }
    }

    /// Java's replaceAll: `$n` inserts group n, `\x` is a literal x.
    private static func regexReplace(_ input: String, _ regex: Regex<AnyRegexOutput>, _ replacement: String) throws -> String {
        var result = ""
        var last = input.startIndex
        for match in input.matches(of: regex) {
            result += input[last..<match.range.lowerBound]
            var chars = replacement[...]
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "\\", let next = chars.first {
                    result.append(next); chars = chars.dropFirst()
                } else if c == "$", let d = chars.first?.wholeNumberValue {
                    chars = chars.dropFirst()
                    guard d < match.output.count else {
                        throw SQLEvaluationError.functionFailed(function: "REGEXP_REPLACE", reason: "No group \(d)")
                    }
                    result += match.output[d].substring.map(String.init) ?? ""
                } else {
                    result.append(c)
                }
            }
            last = match.range.upperBound
        }
        return result + input[last...]
    }
}
