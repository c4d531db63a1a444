/// Java's `toString()` texts that Connect's outputs depend on (StringConverter, Cast to string,
/// Struct.toString, JSON numbers as Jackson writes them).
public enum JavaText {
    /// `Double.toString(d)`: plain for 10^-3 ≤ |d| < 10^7, otherwise "d.dddE±n"; shortest round-trip digits.
    public static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return format(swiftText: "\(d)", magnitude: abs(d))
    }

    /// `Float.toString(f)`, same rules with float's shortest digits.
    public static func float(_ f: Float) -> String {
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f < 0 ? "-Infinity" : "Infinity" }
        return format(swiftText: "\(f)", magnitude: Double(abs(f)))
    }

    private static func format(swiftText: String, magnitude: Double) -> String {
        var text = Substring(swiftText)
        var sign = ""
        if text.first == "-" { sign = "-"; text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0], fractionPart = parts.count > 1 ? parts[1] : ""
        var digits = String(integerPart) + String(fractionPart)
        var point = integerPart.count + exponent  // value = 0.<digits> × 10^(point) after stripping below
        let leading = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leading)
        point -= leading
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
            let cut = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<cut] + "." + digits[cut...]
        }
        let rest = digits.dropFirst()
        return sign + String(digits.first!) + "." + (rest.isEmpty ? "0" : String(rest)) + "E" + String(point - 1)
    }

    /// `String.valueOf(value)` for a Connect value: what StringConverter and Cast write for it.
    public static func string(of value: ConnectValue) -> String {
        switch value {
        case .null: "null"
        case let .int8(v): String(v)
        case let .int16(v): String(v)
        case let .int32(v): String(v)
        case let .int64(v): String(v)
        case let .float32(v): float(v)
        case let .float64(v): double(v)
        case let .boolean(v): v ? "true" : "false"
        case let .string(v): v
        case let .bytes(v): "[" + v.map { String(Int8(bitPattern: $0)) }.joined(separator: ", ") + "]"
        case let .array(items): "[" + items.map { string(of: $0) }.joined(separator: ", ") + "]"
        case let .map(entries): "{" + entries.map { string(of: $0.key) + "=" + string(of: $0.value) }.joined(separator: ", ") + "}"
        case let .struct(s): s.description
        case let .decimal(d): d.description
        case let .timestamp(millis): CivilTime(millisSinceEpoch: millis).javaDateText
        }
    }
}

/// A UTC calendar date and time from epoch milliseconds (proleptic Gregorian, as java.time does),
/// for formatting timestamps without Foundation.
public struct CivilTime: Sendable, Hashable {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int, millisecond: Int
    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int

    public init(millisSinceEpoch millis: Int64) {
        let (days, msOfDay) = Self.floorDivide(millis, 86_400_000)
        let ms = Int(msOfDay)
        hour = ms / 3_600_000
        minute = ms / 60_000 % 60
        second = ms / 1000 % 60
        millisecond = ms % 1000
        weekday = Int((days % 7 + 11) % 7)  // 1970-01-01 was a Thursday
        // Howard Hinnant's civil_from_days.
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (days_from_civil).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var (q, r) = a.quotientAndRemainder(dividingBy: b)
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `java.util.Date.toString()` in UTC: "Thu Jan 01 00:00:00 UTC 1970".
    public var javaDateText: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(Self.weekdayNames[weekday]) \(Self.monthNames[month - 1]) \(two(day)) \(two(hour)):\(two(minute)):\(two(second)) UTC \(year)"
    }
}
