/// ksqlDB's JSON UDFs (function/udf/json) and EXTRACTJSONFIELD.
enum JSONFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("EXTRACTJSONFIELD", [FunctionSignature([.string, .string], returns: .string)]) { args, _ in
            guard let root = SQLJSON.parse(try Arg.string(args, 0, "EXTRACTJSONFIELD")) else { return .null }
            let path = try JSONPath(try Arg.string(args, 1, "EXTRACTJSONFIELD"))
            // JsonExtractString: a missing node is NULL; text nodes give their text, any other node
            // (JSON null included) its JSON text.
            switch path.resolve(root) {
            case nil: return .null
            case .string(let s)?: return .string(s)
            case let node?: return .string(node.text)
            }
        },
        ScalarFunction("JSON_RECORDS", [FunctionSignature([.string], returns: .map(.string))]) { args, _ in
            guard case .object(let entries)? = SQLJSON.parse(try Arg.string(args, 0, "JSON_RECORDS")) else { return .null }
            return .map(entries.map { ($0.key, .string($0.value.text)) })
        },
        ScalarFunction("JSON_KEYS", [FunctionSignature([.string], returns: .array(.string))]) { args, _ in
            guard case .object(let entries)? = SQLJSON.parse(try Arg.string(args, 0, "JSON_KEYS")) else { return .null }
            return .array(entries.map { .string($0.key) })
        },
        ScalarFunction("IS_JSON_STRING", [FunctionSignature([.string], returns: .boolean)], nullOnNullInput: false) { args, _ in
            guard case .string(let s)? = args.first else { return .boolean(false) }
            return .boolean(SQLJSON.parse(s) != nil)
        },
        ScalarFunction("TO_JSON_STRING", [FunctionSignature([.variable("T")], returns: .string)], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 1...1, "TO_JSON_STRING")
            return .string(json(args[0]).text)
        },
    ]

    /// ksqlDB's JSON form of a value: decimals as numbers, BYTES as base64, DATE as days, TIME as
    /// ms of day and TIMESTAMP as epoch ms (the JSON serde's integer forms), structs as objects.
    static func json(_ value: SQLValue) -> SQLJSON {
        switch value {
        case .null: .null
        case .boolean(let b): .boolean(b)
        case .int(let v): .number(String(v))
        case .bigint(let v): .number(String(v))
        case .double(let d): d.isFinite ? .number(SQLValue.javaText(d)) : .string(SQLValue.javaText(d))
        case .decimal(let d): .number(d.description)
        case .string(let s): .string(s)
        case .bytes(let b): .string(Base64.encode(b))
        case .date(let d): .number(String(d))
        case .time(let t): .number(String(t))
        case .timestamp(let t): .number(String(t))
        case .array(let items): .array(items.map(json))
        case .map(let entries): .object(entries.map { ($0.key, json($0.value)) })
        case .struct(let fields): .object(fields.map { ($0.name, json($0.value)) })
        }
    }
}

/// The JSONPath subset EXTRACTJSONFIELD takes: `$`, `.name`, `['name']`, `["name"]`, `[index]`.
struct JSONPath {
    /// Tokens as ksqlDB's JsonPathTokenizer yields them: each is an index on an array and a key on
    /// an object, whatever the syntax it was written in.
    enum Step { case key(String) }
    let steps: [Step]

    init(_ path: String) throws {
        let chars = Array(path)
        guard chars.first == "$" else { throw SQLEvaluationError.functionFailed(function: "EXTRACTJSONFIELD", reason: "path must start with $") }
        var steps: [Step] = [], i = 1
        let bad = SQLEvaluationError.functionFailed(function: "EXTRACTJSONFIELD", reason: "invalid path \(path)")
        while i < chars.count {
            if chars[i] == "." {
                i += 1
                let start = i
                while i < chars.count, chars[i] != ".", chars[i] != "[" { i += 1 }
                guard i > start else { throw bad }
                steps.append(.key(String(chars[start..<i])))
            } else if chars[i] == "[" {
                i += 1
                guard i < chars.count else { throw bad }
                if chars[i] == "'" || chars[i] == "\"" {
                    let quote = chars[i]
                    i += 1
                    let start = i
                    while i < chars.count, chars[i] != quote { i += 1 }
                    guard i + 1 < chars.count, chars[i + 1] == "]" else { throw bad }
                    steps.append(.key(String(chars[start..<i])))
                    i += 2
                } else {
                    let start = i
                    while i < chars.count, chars[i] != "]" { i += 1 }
                    guard i < chars.count else { throw bad }
                    steps.append(.key(String(chars[start..<i])))
                    i += 1
                }
            } else {
                throw bad
            }
        }
        self.steps = steps
    }

    func resolve(_ root: SQLJSON) -> SQLJSON? {
        var node = root
        for step in steps {
            switch (step, node) {
            case (.key(let k), .object(let entries)):
                guard let next = entries.first(where: { $0.key == k })?.value else { return nil }
                node = next
            case (.key(let k), .array(let items)):
                guard let i = Int(k), i >= 0, i < items.count else { return nil }
                node = items[i]
            default:
                return nil
            }
        }
        return node
    }
}

/// RFC 4648 base64 with padding (what Jackson writes for byte arrays).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[(b0 & 3) << 4 | b1 >> 4])
            out.append(i + 1 < bytes.count ? alphabet[(b1 & 15) << 2 | b2 >> 6] : "=")
            out.append(i + 2 < bytes.count ? alphabet[b2 & 63] : "=")
            i += 3
        }
        return out
    }
}
