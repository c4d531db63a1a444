/// An arbitrary-precision decimal (Java's `BigDecimal` as Connect uses it): an unscaled integer and a
/// scale, value = unscaled × 10^-scale. Equality, like BigDecimal's, includes the scale (2.0 ≠ 2.00).
public struct ConnectDecimal: Sendable, Hashable, CustomStringConvertible {
    public private(set) var isNegative: Bool
    /// The unscaled magnitude in decimal digits, no leading zeros ("0" for zero).
    public private(set) var unscaledDigits: String
    public var scale: Int32

    /// A decimal from its unscaled value's decimal digits (an optional leading '-') and a scale.
    public init?(unscaled: String, scale: Int32) {
        var text = Substring(unscaled)
        var negative = false
        if text.first == "-" { negative = true; text = text.dropFirst() } else if text.first == "+" { text = text.dropFirst() }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmed = text.drop { $0 == "0" }
        unscaledDigits = trimmed.isEmpty ? "0" : String(trimmed)
        isNegative = negative && unscaledDigits != "0"
        self.scale = scale
    }

    public init(_ value: Int64, scale: Int32 = 0) {
        self.init(unscaled: String(value), scale: scale)!
    }

    /// `new BigDecimal(new BigInteger(bytes), scale)`: big-endian two's complement unscaled bytes.
    public init(unscaledTwosComplement bytes: [UInt8], scale: Int32) throws(ConnectDataError) {
        guard let first = bytes.first else { throw ConnectDataError("Zero length BigInteger") }
        let negative = first & 0x80 != 0
        var magnitude = bytes
        if negative {
            // Two's complement negation: invert and add one.
            for i in magnitude.indices { magnitude[i] = ~magnitude[i] }
            var carry = true
            for i in magnitude.indices.reversed() where carry {
                let (sum, overflow) = magnitude[i].addingReportingOverflow(1)
                magnitude[i] = sum
                carry = overflow
            }
        }
        self.init(unscaled: (negative ? "-" : "") + Self.decimalDigits(ofBigEndian: magnitude), scale: scale)!
    }

    /// Parses a JSON/Java number literal (`BigDecimal(String)`): "12.50" → 1250 scale 2, "1.5E3" → 15 scale -2.
    public init?(literal: String) {
        var mantissa = Substring(literal)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let parsed = Int(mantissa[mantissa.index(after: e)...]), abs(parsed) < 1_000_000_000 else { return nil }
            exponent = parsed
            mantissa = mantissa[..<e]
        }
        var fraction = 0
        var digits = String(mantissa)
        if let dot = mantissa.firstIndex(of: ".") {
            fraction = mantissa.distance(from: dot, to: mantissa.endIndex) - 1
            digits = String(mantissa[..<dot]) + String(mantissa[mantissa.index(after: dot)...])
        }
        let scale = fraction - exponent
        guard let scale32 = Int32(exactly: scale) else { return nil }
        self.init(unscaled: digits, scale: scale32)
    }

    /// The unscaled value as Java's `BigInteger.toByteArray()`: minimal big-endian two's complement.
    public var unscaledTwosComplement: [UInt8] {
        var magnitude = Self.bigEndianBytes(ofDecimal: unscaledDigits)
        if !isNegative {
            if magnitude.isEmpty || magnitude[0] & 0x80 != 0 { magnitude.insert(0, at: 0) }
            return magnitude
        }
        for i in magnitude.indices { magnitude[i] = ~magnitude[i] }
        var carry = true
        for i in magnitude.indices.reversed() where carry {
            let (sum, overflow) = magnitude[i].addingReportingOverflow(1)
            magnitude[i] = sum
            carry = overflow
        }
        if magnitude[0] & 0x80 == 0 { magnitude.insert(0xFF, at: 0) }
        // Drop redundant sign bytes (0xFF followed by a byte with its top bit set).
        while magnitude.count > 1, magnitude[0] == 0xFF, magnitude[1] & 0x80 != 0 { magnitude.removeFirst() }
        return magnitude
    }

    /// Java's `BigDecimal.toString()`: plain unless the scale is negative or the adjusted exponent < -6.
    public var description: String {
        let sign = isNegative ? "-" : ""
        let digits = unscaledDigits
        if scale == 0 { return sign + digits }
        let adjusted = -Int(scale) + (digits.count - 1)
        if scale > 0 && adjusted >= -6 {
            let s = Int(scale)
            if digits.count > s {
                let cut = digits.index(digits.endIndex, offsetBy: -s)
                return sign + digits[..<cut] + "." + digits[cut...]
            }
            return sign + "0." + String(repeating: "0", count: s - digits.count) + digits
        }
        var out = sign + String(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += "E" + (adjusted >= 0 ? "+" : "") + String(adjusted)
        return out
    }

    /// The plain decimal text (`BigDecimal.toPlainString()`). Its length grows with |scale|: prefer
    /// `description`, `isIntegral`, `truncatedInt64` or `doubleValue` for values from outside.
    public var plainString: String {
        let sign = isNegative ? "-" : ""
        if scale <= 0 {
            return sign + unscaledDigits + (unscaledDigits == "0" ? "" : String(repeating: "0", count: Int(-scale)))
        }
        let s = Int(scale)
        let digits = unscaledDigits.count > s ? unscaledDigits : String(repeating: "0", count: s - unscaledDigits.count + 1) + unscaledDigits
        let cut = digits.index(digits.endIndex, offsetBy: -s)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// `BigDecimal.doubleValue()`, without materialising the plain text.
    public var doubleValue: Double {
        Double((isNegative ? "-" : "") + unscaledDigits + "e" + String(-Int(scale))) ?? (isNegative ? -.infinity : .infinity)
    }

    /// Whether the value has no fractional part.
    public var isIntegral: Bool {
        scale <= 0 || unscaledDigits == "0" || unscaledDigits.reversed().prefix { $0 == "0" }.count >= Int(scale)
    }

    /// The integer part (truncated toward zero) if it fits in 64 bits.
    public var truncatedInt64: Int64? {
        if unscaledDigits == "0" { return 0 }
        let sign = isNegative ? "-" : ""
        if scale <= 0 {
            guard unscaledDigits.count + Int(-scale) <= 19 else { return nil }
            return Int64(sign + unscaledDigits + String(repeating: "0", count: Int(-scale)))
        }
        guard Int(scale) < unscaledDigits.count else { return 0 }
        return Int64(sign + unscaledDigits.prefix(unscaledDigits.count - Int(scale)))
    }

    private static func bigEndianBytes(ofDecimal digits: String) -> [UInt8] {
        var bytes: [UInt8] = []  // little-endian while building
        for d in digits.utf8 {
            var carry = Int(d - UInt8(ascii: "0"))
            for i in bytes.indices {
                let v = Int(bytes[i]) * 10 + carry
                bytes[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            while carry > 0 { bytes.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        return bytes.reversed()
    }

    private static func decimalDigits(ofBigEndian bytes: [UInt8]) -> String {
        var number = Array(bytes.drop { $0 == 0 })
        if number.isEmpty { return "0" }
        var digits: [UInt8] = []
        while !number.isEmpty {
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let v = remainder << 8 | Int(byte)
                let q = v / 10
                remainder = v % 10
                if !(quotient.isEmpty && q == 0) { quotient.append(UInt8(q)) }
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
            number = quotient
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
