/// RFC 6901 JSON Pointers as JSON Schema uses them in `$ref` fragments (`#/definitions/a~1b`).
enum JSONPointer {
    /// `#/a/b` for the tokens `a`, `b` (escaping `~` and `/`).
    static func fragment(_ tokens: [String]) -> String {
        "#" + tokens.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined()
    }

    /// The tokens of a fragment that starts with `/` (percent-decoded first, as URI fragments are);
    /// nil when it is not a pointer.
    static func tokens(ofFragment fragment: String) -> [String]? {
        guard let decoded = percentDecoded(fragment) else { return nil }
        if decoded.isEmpty { return [] }
        guard decoded.hasPrefix("/") else { return nil }
        return decoded.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
    }

    /// The value `tokens` lead to inside `document`.
    static func resolve(_ tokens: [String], in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case let .object(members):
                guard let next = members.first(where: { $0.0 == token })?.1 else { return nil }
                current = next
            case let .array(items):
                guard let index = Int(token), index >= 0, index < items.count, String(index) == token else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

private extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
