/// An exact decimal: `unscaled × 10^-scale`, declared DECIMAL(precision, scale) as ksqlDB types it.
///
/// The unscaled value is an Int64, so at most 18 digits are exact: any result needing more throws
/// `SQLEvaluationError.decimalOverflow` (ksqlDB's BigDecimal has no such limit; DECIMAL(p > 18) columns
/// hold only values whose unscaled digits fit 64 bits).
public struct SQLDecimal: Sendable, Hashable, CustomStringConvertible {
    public var unscaled: Int64
    public var scale: Int
    public var precision: Int

    public init(unscaled: Int64, scale: Int, precision: Int) {
        self.unscaled = unscaled
        self.scale = scale
        self.precision = precision
    }

    /// The number of digits of `unscaled` (at least 1), i.e. BigDecimal.precision().
    public var digitCount: Int {
        var magnitude = unscaled.magnitude
        var digits = 1
        while magnitude >= 10 {
            magnitude /= 10
            digits += 1
        }
        return digits
    }

    /// Parses `-12.340`, `.5`, `1e3` (as BigDecimal does); precision and scale are the text's own.
    public init?(parsing text: String) {
        var body = Substring(text.trimmingSQLWhitespace())
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(body[body.index(after: e)...]), abs(value) <= 1000 else { return nil }
            exponent = value
            body = body[..<e]
        }
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        var unscaled: Int64 = 0
        var scale = 0
        var seenPoint = false
        var seenDigit = false
        for character in body {
            if character == "." {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            seenDigit = true
            let (times, o1) = unscaled.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            unscaled = plus
            if seenPoint { scale += 1 }
        }
        guard seenDigit else { return nil }
        scale -= exponent
        if scale < 0 {
            guard let widened = Self.scaleUp(unscaled, by: -scale) else { return nil }
            unscaled = widened
            scale = 0
        }
        self.unscaled = negative ? -unscaled : unscaled
        self.scale = scale
        self.precision = 0
        self.precision = max(digitCount, scale)
    }

    /// `unscaled × 10^digits`, nil on overflow.
    static func scaleUp(_ value: Int64, by digits: Int) -> Int64? {
        var result = value
        for _ in 0..<max(digits, 0) {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// How to round when a scale shrinks.
    public enum Rounding: Sendable {
        /// Away from zero on a tie (BigDecimal HALF_UP): casts.
        case halfUp
        /// Towards zero on a tie (HALF_DOWN).
        case halfDown
        /// Fail unless exact (UNNECESSARY): arithmetic results.
        case unnecessary
        case floor
        case ceiling
    }

    /// This value at another scale; nil when it overflows 64 bits or rounding is `.unnecessary`
    /// and digits would be lost.
    public func rescaled(to newScale: Int, rounding: Rounding) -> SQLDecimal? {
        if newScale >= scale {
            guard let value = Self.scaleUp(unscaled, by: newScale - scale) else { return nil }
            return SQLDecimal(unscaled: value, scale: newScale, precision: precision)
        }
        var divisor: Int64 = 1
        for _ in 0..<(scale - newScale) {
            let (next, overflow) = divisor.multipliedReportingOverflow(by: 10)
            if overflow { return SQLDecimal(unscaled: 0, scale: newScale, precision: precision) }
            divisor = next
        }
        let quotient = unscaled / divisor
        let remainder = unscaled % divisor
        if remainder == 0 { return SQLDecimal(unscaled: quotient, scale: newScale, precision: precision) }
        let away: Int64 = unscaled < 0 ? -1 : 1
        let twice = remainder.magnitude.multipliedFullWidth(by: 2)
        let doubled = twice.high == 0 ? twice.low : UInt64.max
        let tie = doubled == divisor.magnitude
        let aboveHalf = doubled > divisor.magnitude
        switch rounding {
        case .unnecessary: return nil
        case .halfUp:
            let bump = aboveHalf || tie
            return SQLDecimal(unscaled: quotient + (bump ? away : 0), scale: newScale, precision: precision)
        case .halfDown:
            return SQLDecimal(unscaled: quotient + (aboveHalf ? away : 0), scale: newScale, precision: precision)
        case .floor:
            return SQLDecimal(unscaled: quotient - (unscaled < 0 ? 1 : 0), scale: newScale, precision: precision)
        case .ceiling:
            return SQLDecimal(unscaled: quotient + (unscaled > 0 ? 1 : 0), scale: newScale, precision: precision)
        }
    }

    /// Whether the value fits DECIMAL(precision, scale): |value| < 10^(precision - scale) (ksqlDB's
    /// ensureMax).
    func fits(precision: Int, scale: Int) -> Bool {
        let integerDigits = precision - scale
        var integerPart = unscaled.magnitude
        for _ in 0..<max(self.scale, 0) { integerPart /= 10 }
        if integerDigits <= 0 { return integerPart == 0 && (unscaled == 0 || self.scale > 0) }
        if integerDigits >= 19 { return true }
        var limit: UInt64 = 1
        for _ in 0..<integerDigits { limit *= 10 }
        return integerPart < limit
    }

    public var doubleValue: Double {
        var divisor = 1.0
        for _ in 0..<max(scale, 0) { divisor *= 10 }
        return Double(unscaled) / divisor
    }

    public var isZero: Bool { unscaled == 0 }

    /// BigDecimal.toPlainString(): `-1.50`, `0.05`, `12`.
    public var description: String {
        let digits = String(unscaled.magnitude)
        let sign = unscaled < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<split] + "." + padded[split...]
    }

    /// Compares numerically, whatever the scales (BigDecimal.compareTo).
    public static func compare(_ lhs: SQLDecimal, _ rhs: SQLDecimal) -> Int {
        let common = max(lhs.scale, rhs.scale)
        if let l = lhs.rescaled(to: common, rounding: .unnecessary),
           let r = rhs.rescaled(to: common, rounding: .unnecessary) {
            return l.unscaled < r.unscaled ? -1 : (l.unscaled > r.unscaled ? 1 : 0)
        }
        let l = lhs.doubleValue, r = rhs.doubleValue
        return l < r ? -1 : (l > r ? 1 : 0)
    }
}

extension String {
    /// Trims the characters Java's String.trim() removes (code points ≤ U+0020).
    func trimmingSQLWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0.value > 0x20 }),
              let end = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[start...end])
    }
}
