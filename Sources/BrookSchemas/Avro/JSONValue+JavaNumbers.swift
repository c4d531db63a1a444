extension JSONValue {
    /// The value with its numbers spelled as Jackson re-writes them in Java Avro's `Schema.toString()`:
    /// integers unchanged (but `-0` is `0`), other numbers as Java's `Double.toString` (`1.5`,
    /// `100.0`, `1.0E10`, `1.0E-4`). Confluent stores defaults and attributes in that form.
    var withJavaNumbers: JSONValue {
        switch self {
        case let .number(text):
            if isIntegerLiteral { return .number(text == "-0" ? "0" : text) }
            guard let double = Double(text) else { return self }
            return .number(Self.javaDoubleText(double))
        case let .array(items): return .array(items.map(\.withJavaNumbers))
        case let .object(members): return .object(members.map { ($0.0, $0.1.withJavaNumbers) })
        default: return self
        }
    }

    /// Java's `Double.toString`: plain notation for magnitudes in [1e-3, 1e7), else `d.dddE±n`,
    /// always with a fraction digit; the digits are the shortest that round-trip.
    static func javaDoubleText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let sign = value < 0 ? "-" : ""
        // Swift's description also prints the shortest round-tripping digits; take them apart.
        let description = "\(abs(value))"
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(parts[0])
        let fractionDigits = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerDigits + fractionDigits
        // value = 0.digits × 10^pointPosition
        var pointPosition = integerDigits.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        let scientificExponent = pointPosition - 1
        if scientificExponent >= -3, scientificExponent < 7 {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let rest = digits.dropFirst()
        return sign + String(digits.prefix(1)) + "." + (rest.isEmpty ? "0" : String(rest)) + "E" + String(scientificExponent)
    }
}
