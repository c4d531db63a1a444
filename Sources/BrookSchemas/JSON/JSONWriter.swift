extension JSONValue {
    /// Compact JSON text (no whitespace), members in stored order, strings escaped minimally.
    public var compactText: String {
        var out = ""
        write(to: &out, sortingKeys: false)
        return out
    }

    /// Compact JSON text with object members sorted by name at every level: a stable form for
    /// comparing documents that differ only in member order.
    public var sortedText: String {
        var out = ""
        write(to: &out, sortingKeys: true)
        return out
    }

    /// Compact JSON text with the choices other writers make: members sorted, numbers re-spelled
    /// (e.g. as Jackson prints them), control characters escaped with upper-case hex digits.
    public func text(sortingKeys: Bool, numberText: (String) -> String = { $0 }, uppercaseEscapes: Bool = false) -> String {
        var out = ""
        write(to: &out, sortingKeys: sortingKeys, numberText: numberText, uppercaseEscapes: uppercaseEscapes)
        return out
    }

    private func write(to out: inout String, sortingKeys: Bool, numberText: (String) -> String = { $0 },
                       uppercaseEscapes: Bool = false) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += numberText(n)
        case let .string(s): JSONValue.writeString(s, to: &out, uppercaseEscapes: uppercaseEscapes)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out, sortingKeys: sortingKeys, numberText: numberText, uppercaseEscapes: uppercaseEscapes)
            }
            out += "]"
        case let .object(members):
            out += "{"
            let ordered = sortingKeys ? members.sorted { $0.0 < $1.0 } : members
            for (i, (name, value)) in ordered.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(name, to: &out, uppercaseEscapes: uppercaseEscapes)
                out += ":"
                value.write(to: &out, sortingKeys: sortingKeys, numberText: numberText, uppercaseEscapes: uppercaseEscapes)
            }
            out += "}"
        }
    }

    /// Writes `s` as a JSON string literal.
    public static func writeString(_ s: String, to out: inout String, uppercaseEscapes: Bool = false) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: uppercaseEscapes)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
