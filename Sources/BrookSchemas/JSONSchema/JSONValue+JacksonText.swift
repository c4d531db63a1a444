extension JSONValue {
    /// Compact JSON as Confluent's registry writes a JSON Schema (Jackson, reading floats as exact
    /// `BigDecimal`s): like `compactText`, except that integers lose a negative zero's sign and
    /// other numbers take `BigDecimal.toString`'s form (`1e2` → `1E+2`, `0.0000001` → `1E-7`,
    /// `1.50` stays `1.50`) and other control characters escaped with upper-case hex (`\u001F`).
    /// Members are sorted by name when `sortingKeys`, as its normalisation does.
    func jacksonText(sortingKeys: Bool) -> String {
        text(sortingKeys: sortingKeys, numberText: JacksonNumber.text, uppercaseEscapes: true)
    }
}

/// How Jackson prints a number literal it read (integers as integers, the rest as exact decimals).
enum JacksonNumber {
    static func text(_ literal: String) -> String {
        var body = Substring(literal)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        let isInteger = !body.contains { $0 == "." || $0 == "e" || $0 == "E" }
        if isInteger {
            let digits = body.drop { $0 == "0" }
            return digits.isEmpty ? "0" : (negative ? "-" : "") + digits
        }
        // unscaled digits and scale, as BigDecimal(String) keeps them
        var mantissa = body
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            guard let value = Int(body[body.index(after: e)...].drop { $0 == "+" }), abs(value) < 100_000_000 else { return literal }
            exponent = value
        }
        var fractionDigits = 0
        if let dot = mantissa.firstIndex(of: ".") {
            fractionDigits = mantissa.distance(from: dot, to: mantissa.endIndex) - 1
            mantissa = mantissa[..<dot] + mantissa[mantissa.index(after: dot)...]
        }
        let trimmed = mantissa.drop { $0 == "0" }
        let digits = trimmed.isEmpty ? "0" : String(trimmed)
        let scale = fractionDigits - exponent
        let adjusted = -scale + (digits.count - 1)
        let sign = negative && digits != "0" ? "-" : ""
        if scale >= 0 && adjusted >= -6 {
            if scale == 0 { return sign + digits }
            if digits.count > scale {
                let split = digits.index(digits.endIndex, offsetBy: -scale)
                return sign + digits[..<split] + "." + digits[split...]
            }
            return sign + "0." + String(repeating: "0", count: scale - digits.count) + digits
        }
        var text = sign + String(digits.prefix(1))
        if digits.count > 1 { text += "." + digits.dropFirst() }
        return text + "E" + (adjusted > 0 ? "+" : "") + String(adjusted)
    }
}
