import BrookSchemas

/// How an unquoted one-line scalar becomes a value: YAML 1.2's core schema, kept to what JSON can
/// hold without changing the text a user wrote.
enum YAMLScalarResolution {
    static func resolve(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if isJSONNumber(text.utf8[...]) { return .number(text) }
        if text.hasPrefix("+"), !text.hasPrefix("+-"), isJSONNumber(text.utf8.dropFirst()) {
            return .number(String(text.dropFirst()))
        }
        if let value = radixInteger(text) { return .number(value) }
        return .string(text)
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ bytes: Substring.UTF8View) -> Bool {
        var i = bytes.startIndex
        func isDigit(_ index: Substring.UTF8View.Index) -> Bool {
            index < bytes.endIndex && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
        }
        func digits() -> Int {
            var count = 0
            while isDigit(i) {
                i = bytes.index(after: i)
                count += 1
            }
            return count
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        guard isDigit(i) else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i = bytes.index(after: i)
            if isDigit(i) { return false }
        } else {
            _ = digits()
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            guard digits() > 0 else { return false }
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
            guard digits() > 0 else { return false }
        }
        return i == bytes.endIndex
    }

    /// `0x1F` and `0o17` (YAML 1.2 core) as decimal text, when they fit in 64 bits.
    private static func radixInteger(_ text: String) -> String? {
        let radix: Int
        if text.hasPrefix("0x") {
            radix = 16
        } else if text.hasPrefix("0o") {
            radix = 8
        } else {
            return nil
        }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit), let value = UInt64(digits, radix: radix) else { return nil }
        return String(value)
    }
}
