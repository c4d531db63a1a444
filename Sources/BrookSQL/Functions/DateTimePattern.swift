/// A subset of Java's DateTimeFormatter patterns: `yyyy` `yy` `MM` `M` `MMM` `MMMM` (English names)
/// `dd` `d` `EEE` `EEEE` (English day names) `HH` `H` `hh` `h` `a` (AM/PM) `mm` `m` `ss` `s` `S…`
/// (fraction), `X` `XX` `XXX` `Z` (offsets), `'literal'`, `''`, and any other non-letter as itself.
/// Not covered: zone names (z, VV), week-based and other fields, optional sections `[ ]`, other
/// locales; a pattern using an unknown letter throws.
struct DateTimePattern {
    enum Field: Equatable {
        case year(Int), month(Int), day(Int), hour(Int), minute(Int), second(Int), fraction(Int), offset(String)
        case monthName(full: Bool), dayName(full: Bool), clockHour(Int), amPm
        case literal(String)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    let fields: [Field]

    init(_ pattern: String, function: String) throws {
        let chars = Array(pattern)
        var fields: [Field] = [], i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                if i + 1 < chars.count, chars[i + 1] == "'" { fields.append(.literal("'")); i += 2; continue }
                var j = i + 1, text = ""
                while j < chars.count {
                    if chars[j] == "'" {
                        if j + 1 < chars.count, chars[j + 1] == "'" { text.append("'"); j += 2; continue }
                        break
                    }
                    text.append(chars[j]); j += 1
                }
                guard j < chars.count else { throw SQLEvaluationError.functionFailed(function: function, reason: "unterminated quote in pattern") }
                fields.append(.literal(text))
                i = j + 1
                continue
            }
            guard c.isLetter, c.isASCII else { fields.append(.literal(String(c))); i += 1; continue }
            var n = 1
            while i + n < chars.count, chars[i + n] == c { n += 1 }
            switch c {
            case "y", "u": fields.append(.year(n))
            case "M" where n <= 2, "L" where n <= 2: fields.append(.month(n))
            case "M" where n <= 4, "L" where n <= 4: fields.append(.monthName(full: n == 4))
            case "E" where n <= 4: fields.append(.dayName(full: n == 4))
            case "h": fields.append(.clockHour(n))
            case "a" where n == 1: fields.append(.amPm)
            case "d": fields.append(.day(n))
            case "H": fields.append(.hour(n))
            case "m": fields.append(.minute(n))
            case "s": fields.append(.second(n))
            case "S": fields.append(.fraction(n))
            case "X", "Z", "x": fields.append(.offset(String(repeating: c, count: n)))
            default:
                throw SQLEvaluationError.functionFailed(function: function, reason: "pattern letter '\(String(repeating: c, count: n))' is not supported")
            }
            i += n
        }
        self.fields = fields
    }

    /// Formats epoch milliseconds at a fixed offset.
    func format(_ millis: Int64, offsetSeconds: Int) -> String {
        let c = CivilDateTime(epochMillis: millis, offsetSeconds: offsetSeconds)
        var out = ""
        for field in fields {
            switch field {
            case .year(let n):
                // yy is the last two digits; longer runs use SignStyle.EXCEEDS_PAD (`+12345` for yyyy).
                if n == 2 {
                    out += SQLValue.pad(((c.year % 100) + 100) % 100, 2)
                } else {
                    let text = SQLValue.pad(c.year, n)
                    out += n >= 4 && c.year > 0 && text.count > n ? "+" + text : text
                }
            case .month(let n): out += SQLValue.pad(c.month, n)
            case .day(let n): out += SQLValue.pad(c.day, n)
            case .hour(let n): out += SQLValue.pad(c.hour, n)
            case .minute(let n): out += SQLValue.pad(c.minute, n)
            case .second(let n): out += SQLValue.pad(c.second, n)
            case .fraction(let n):
                let ms = SQLValue.pad(c.millisecond, 3)
                out += n <= 3 ? String(ms.prefix(n)) : ms + String(repeating: "0", count: n - 3)
            case .offset(let letters): out += Self.offsetText(offsetSeconds, letters)
            case .monthName(let full):
                let name = Self.monthNames[c.month - 1]
                out += full ? name : String(name.prefix(3))
            case .dayName(let full):
                // 1970-01-01 was a Thursday (index 3 from Monday).
                let days = CivilDateTime.days(year: c.year, month: c.month, day: c.day)
                let name = Self.dayNames[Int(((days + 3) % 7 + 7) % 7)]
                out += full ? name : String(name.prefix(3))
            case .clockHour(let n): out += SQLValue.pad(c.hour % 12 == 0 ? 12 : c.hour % 12, n)
            case .amPm: out += c.hour < 12 ? "AM" : "PM"
            case .literal(let s): out += s
            }
        }
        return out
    }

    /// Parses text into epoch milliseconds; fields absent from the pattern default to 1970-01-01
    /// 00:00:00.000, and a parsed offset wins over `defaultOffset`.
    func parse(_ text: String, defaultOffset: Int, function: String) throws -> Int64 {
        var scanner = DigitScanner(text)
        var c = CivilDateTime(year: 1970, month: 1, day: 1)
        var offset = defaultOffset
        var clockHour: Int?, pm = false
        let bad = SQLEvaluationError.functionFailed(function: function, reason: "text '\(text)' does not match the pattern")
        for (index, field) in fields.enumerated() {
            // Adjacent value parsing (as DateTimeFormatter): a field followed directly by another
            // numeric field takes exactly its minimum width (`yyyyMMdd`).
            let adjacent: Bool = switch index + 1 < fields.count ? fields[index + 1] : nil {
            case .literal?, .offset?, nil: false
            default: true
            }
            func read(_ minimum: Int, _ maximum: Int) throws -> Int {
                guard let v = scanner.number(minimum, maximum: adjacent ? minimum : maximum) else { throw bad }
                return v
            }
            switch field {
            case .year(let n): c.year = n == 2 ? 2000 + (try read(2, 2)) : try read(min(max(n, 4), 6), 6)
            case .month(let n): c.month = try read(n, 2)
            case .day(let n): c.day = try read(n, 2)
            case .hour(let n): c.hour = try read(n, 2)
            case .minute(let n): c.minute = try read(n, 2)
            case .second(let n): c.second = try read(n, 2)
            case .fraction(let n):
                var v = try read(n, n)
                if n < 3 { for _ in n..<3 { v *= 10 } } else { for _ in 3..<n { v /= 10 } }
                c.millisecond = v
            case .offset:
                guard let v = scanner.offset() else { throw bad }
                offset = v
            case .monthName(let full):
                let names = Self.monthNames.map { full ? $0 : String($0.prefix(3)) }
                guard let index = names.firstIndex(where: { scanner.take(word: $0) }) else { throw bad }
                c.month = index + 1
            case .dayName(let full):
                // Parsed and checked for shape only; the date fields decide the day.
                let names = Self.dayNames.map { full ? $0 : String($0.prefix(3)) }
                guard names.contains(where: { scanner.take(word: $0) }) else { throw bad }
            case .clockHour(let n):
                let h = try read(n, 2)
                guard (1...12).contains(h) else { throw bad }
                clockHour = h
            case .amPm:
                if scanner.take(word: "AM") { pm = false } else if scanner.take(word: "PM") { pm = true } else { throw bad }
            case .literal(let s):
                for ch in s { guard scanner.take(ch) else { throw bad } }
            }
        }
        if let clockHour { c.hour = clockHour % 12 + (pm ? 12 : 0) }
        guard scanner.atEnd, c.isValid else { throw bad }
        return c.epochMillis(offsetSeconds: offset)
    }

    /// `X` → `+05`/`Z`, `XX`/`Z` → `+0530`, `XXX` → `+05:30` (`Z` for zero with X, `+0000` with Z/x).
    static func offsetText(_ seconds: Int, _ letters: String) -> String {
        if seconds == 0, letters.first == "X" { return "Z" }
        let sign = seconds < 0 ? "-" : "+"
        let h = SQLValue.pad(abs(seconds) / 3600, 2), m = SQLValue.pad(abs(seconds) / 60 % 60, 2)
        switch letters.count {
        case 1 where letters.first != "Z": return m == "00" ? sign + h : sign + h + m
        case 3 where letters.first != "Z": return sign + h + ":" + m
        default: return sign + h + m
        }
    }
}

/// Time zones without tzdata: `UTC`, `GMT`, `Z`, and fixed offsets (`+05:30`, `-0800`, `UTC+3`,
/// `GMT-03:00`). Region names (`America/New_York`) throw: reading tzdata would be I/O.
enum FixedZone {
    static func offsetSeconds(_ zone: String, function: String) throws -> Int {
        var text = zone.trimmingSQLWhitespace()
        for prefix in ["UTC", "GMT", "UT"] where text.uppercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        if text.isEmpty || text == "Z" { return 0 }
        var scanner = DigitScanner(text)
        guard let sign = text.first, sign == "+" || sign == "-" else {
            throw SQLEvaluationError.functionFailed(function: function, reason: "time zone '\(zone)' is not supported (only UTC and fixed offsets)")
        }
        _ = scanner.take(sign)
        guard let h = scanner.number(1, maximum: 2) else { throw SQLEvaluationError.functionFailed(function: function, reason: "invalid time zone '\(zone)'") }
        _ = scanner.take(":")
        let m = scanner.number(2) ?? 0
        guard scanner.atEnd, h <= 18, m < 60 else { throw SQLEvaluationError.functionFailed(function: function, reason: "invalid time zone '\(zone)'") }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }
}
