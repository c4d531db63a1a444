/// Java's numeric conversions, which never trap: `(long) d` saturates and maps NaN to 0, narrowing
/// integer casts keep the low bits, and `Number.xxxValue()` follows them.
enum JavaNumbers {
    /// `(long) d`.
    static func long(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9.223372036854775807E18 { return .max }
        if d <= -9.223372036854775808E18 { return .min }
        return Int64(d)
    }

    /// `(int) d`.
    static func int(_ d: Double) -> Int32 {
        if d.isNaN { return 0 }
        if d >= 2147483647 { return .max }
        if d <= -2147483648 { return .min }
        return Int32(d)
    }

    /// The value as `Number.longValue()`, or nil when it is not a Java Number.
    static func longValue(_ value: ConnectValue) -> Int64? {
        switch value {
        case let .int8(v): Int64(v)
        case let .int16(v): Int64(v)
        case let .int32(v): Int64(v)
        case let .int64(v): v
        case let .float32(v): long(Double(v))
        case let .float64(v): long(v)
        case let .decimal(d): d.truncatedInt64 ?? long(d.doubleValue)
        default: nil
        }
    }

    /// `Number.intValue()`: floats go through `(int)`, integers keep their low 32 bits.
    static func intValue(_ value: ConnectValue) -> Int32? {
        switch value {
        case let .float32(v): int(Double(v))
        case let .float64(v): int(v)
        default: longValue(value).map { Int32(truncatingIfNeeded: $0) }
        }
    }

    static func doubleValue(_ value: ConnectValue) -> Double? {
        switch value {
        case let .int8(v): Double(v)
        case let .int16(v): Double(v)
        case let .int32(v): Double(v)
        case let .int64(v): Double(v)
        case let .float32(v): Double(v)
        case let .float64(v): v
        case let .decimal(d): d.doubleValue
        default: nil
        }
    }

    /// `Double.parseDouble` / `Float.parseFloat`: trimmed, an optional f/F/d/D suffix, "NaN", "Infinity".
    static func parseDouble(_ text: String) -> Double? {
        var t = text.trimmingASCIISpaces
        if let last = t.last, "fFdD".contains(last), t.count > 1, !t.hasSuffix("Infinity") { t.removeLast() }
        switch t {
        case "NaN", "+NaN", "-NaN": return .nan
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(t)
    }
}
