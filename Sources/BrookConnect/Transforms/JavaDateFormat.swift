/// A `java.text.SimpleDateFormat` pattern in UTC, for formatting and (leniently, like Java) parsing
/// timestamps: letters G y Y u M L d D E a H k K h m s S z Z X and 'quoted' text. Brook's rule for
/// two-digit years when parsing `yy` is 2000 + yy (Java uses a window around the current date).
public struct JavaDateFormat: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(String)
        case field(Character, Int)
    }

    public let pattern: String
    let tokens: [Token]

    /// Why a pattern is not a SimpleDateFormat pattern.
    public struct PatternError: Error, Sendable, Hashable {
        public var message: String
    }

    public init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        var tokens: [Token] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                if i + 1 < chars.count, chars[i + 1] == "'" {
                    tokens.append(.literal("'"))
                    i += 2
                    continue
                }
                var text = ""
                i += 1
                while true {
                    guard i < chars.count else { throw PatternError(message: "Unterminated quote") }
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" { text.append("'"); i += 2; continue }
                        i += 1
                        break
                    }
                    text.append(chars[i])
                    i += 1
                }
                tokens.append(.literal(text))
            } else if c.isASCII && c.isLetter {
                guard "GyYuMLdDEaHkKhmsSzZXFwW".contains(c) else { throw PatternError(message: "Illegal pattern character '\(c)'") }
                var count = 1
                while i + count < chars.count, chars[i + count] == c { count += 1 }
                tokens.append(.field(c, count))
                i += count
            } else {
                tokens.append(.literal(String(c)))
                i += 1
            }
        }
        self.tokens = tokens
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    public func format(millis: Int64) -> String {
        let t = CivilTime(millisSinceEpoch: millis)
        var out = ""
        func padded(_ n: Int, _ width: Int) -> String {
            let s = String(abs(n))
            return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        for token in tokens {
            switch token {
            case let .literal(text): out += text
            case let .field(letter, count):
                switch letter {
                case "G": out += t.year > 0 ? "AD" : "BC"
                case "y", "Y":
                    out += count == 2 ? padded(t.year % 100, 2) : padded(t.year, count)
                case "u": out += String(t.weekday == 0 ? 7 : t.weekday)
                case "M", "L":
                    if count >= 4 { out += Self.monthNames[t.month - 1] }
                    else if count == 3 { out += String(Self.monthNames[t.month - 1].prefix(3)) }
                    else { out += padded(t.month, count) }
                case "d": out += padded(t.day, count)
                case "D":
                    let dayOfYear = Int(CivilTime.daysSinceEpoch(year: t.year, month: t.month, day: t.day)
                                        - CivilTime.daysSinceEpoch(year: t.year, month: 1, day: 1)) + 1
                    out += padded(dayOfYear, count)
                case "E": out += count >= 4 ? Self.dayNames[t.weekday] : String(Self.dayNames[t.weekday].prefix(3))
                case "a": out += t.hour < 12 ? "AM" : "PM"
                case "H": out += padded(t.hour, count)
                case "k": out += padded(t.hour == 0 ? 24 : t.hour, count)
                case "K": out += padded(t.hour % 12, count)
                case "h": out += padded(t.hour % 12 == 0 ? 12 : t.hour % 12, count)
                case "m": out += padded(t.minute, count)
                case "s": out += padded(t.second, count)
                case "S": out += padded(t.millisecond, count)
                case "z": out += count >= 4 ? "Coordinated Universal Time" : "UTC"
                case "Z": out += "+0000"
                case "X": out += "Z"
                case "F": out += padded((t.day - 1) / 7 + 1, count)
                default: out += padded(0, count)  // w, W: week numbers are not supported; written as 0
                }
            }
        }
        return out
    }

    /// Parses `text` leniently, as `SimpleDateFormat.parse` does (trailing text ignored, out-of-range
    /// fields roll over); nil when a field or literal does not match.
    public func parse(_ text: String) -> Int64? {
        let chars = Array(text)
        var i = 0
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0
        var pm: Bool?
        var hour12 = false
        var offsetMinutes = 0
        var isBC = false

        func readNumber(maxDigits: Int?) -> Int? {
            var j = i
            var negative = false
            if j < chars.count, chars[j] == "-" || chars[j] == "+" { negative = chars[j] == "-"; j += 1 }
            let start = j
            while j < chars.count, chars[j].isASCII, chars[j].isNumber, maxDigits.map({ j - start < $0 }) ?? true { j += 1 }
            guard j > start, j - start <= 18, let value = Int(String(chars[start..<j])) else { return nil }
            i = j
            return negative ? -value : value
        }
        func readWord(_ options: [String]) -> Int? {
            for (index, option) in options.enumerated() {
                for candidate in [option, String(option.prefix(3))] {
                    let end = i + candidate.count
                    if end <= chars.count, String(chars[i..<end]).lowercased() == candidate.lowercased() {
                        i = end
                        return index
                    }
                }
            }
            return nil
        }

        for (index, token) in tokens.enumerated() {
            switch token {
            case let .literal(literal):
                for c in literal {
                    guard i < chars.count, chars[i] == c else { return nil }
                    i += 1
                }
            case let .field(letter, count):
                // A numeric field directly followed by another numeric field reads exactly `count` digits.
                var abutting = false
                if index + 1 < tokens.count, case let .field(next, nextCount) = tokens[index + 1] {
                    abutting = "yYuMLdDHkKhmsSF".contains(next) && !("ML".contains(next) && nextCount >= 3)
                }
                let width = abutting ? count : nil
                switch letter {
                case "G":
                    guard let era = readWord(["BC", "AD"]) else { return nil }
                    isBC = era == 0
                case "y", "Y", "u":
                    if letter == "u" {
                        guard readNumber(maxDigits: width) != nil else { return nil }
                        continue
                    }
                    let start = i
                    guard let v = readNumber(maxDigits: width) else { return nil }
                    year = (count <= 2 && i - start == 2) ? 2000 + v : v
                case "M", "L":
                    if count >= 3 {
                        guard let m = readWord(Self.monthNames) else { return nil }
                        month = m + 1
                    } else {
                        guard let v = readNumber(maxDigits: width) else { return nil }
                        month = v
                    }
                case "d": guard let v = readNumber(maxDigits: width) else { return nil }; day = v
                case "D":
                    guard let v = readNumber(maxDigits: width) else { return nil }
                    month = 1
                    day = v
                case "E": guard readWord(Self.dayNames) != nil else { return nil }
                case "a":
                    guard let v = readWord(["AM", "PM"]) else { return nil }
                    pm = v == 1
                case "H", "k": guard let v = readNumber(maxDigits: width) else { return nil }; hour = letter == "k" && v == 24 ? 0 : v
                case "K", "h":
                    guard let v = readNumber(maxDigits: width) else { return nil }
                    hour = v % 12
                    hour12 = true
                case "m": guard let v = readNumber(maxDigits: width) else { return nil }; minute = v
                case "s": guard let v = readNumber(maxDigits: width) else { return nil }; second = v
                case "S": guard let v = readNumber(maxDigits: width) else { return nil }; millis = v
                case "z", "Z", "X":
                    if i < chars.count, chars[i] == "Z" { i += 1; offsetMinutes = 0; continue }
                    for name in ["UTC", "GMT"] where i + name.count <= chars.count && String(chars[i..<i + name.count]) == name {
                        i += name.count
                    }
                    guard i < chars.count, chars[i] == "+" || chars[i] == "-" else {
                        if letter == "z" { continue }
                        return nil
                    }
                    let sign = chars[i] == "-" ? -1 : 1
                    i += 1
                    var digits: [Int] = []
                    while i < chars.count, digits.count < 4, let d = chars[i].wholeNumberValue, chars[i].isASCII {
                        digits.append(d)
                        i += 1
                        if digits.count == 2, i < chars.count, chars[i] == ":" { i += 1 }
                    }
                    guard digits.count == 2 || digits.count == 4 else { return nil }
                    let hours = digits[0] * 10 + digits[1]
                    let minutes = digits.count == 4 ? digits[2] * 10 + digits[3] : 0
                    offsetMinutes = sign * (hours * 60 + minutes)
                default:
                    guard readNumber(maxDigits: width) != nil else { return nil }
                }
            }
        }
        if hour12, pm == true { hour += 12 }
        if isBC { year = 1 - year }
        // Lenient roll-over of months; days, hours and smaller units are linear below.
        let monthIndex = year * 12 + (month - 1)
        let normalizedYear = Int((Double(monthIndex) / 12).rounded(.down))
        let normalizedMonth = monthIndex - normalizedYear * 12 + 1
        let days = CivilTime.daysSinceEpoch(year: normalizedYear, month: normalizedMonth, day: 1) + Int64(day - 1)
        let (total, overflow) = days.multipliedReportingOverflow(by: 86_400_000)
        guard !overflow else { return nil }
        let rest = Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000 + Int64(millis) - Int64(offsetMinutes) * 60_000
        let (result, overflow2) = total.addingReportingOverflow(rest)
        return overflow2 ? nil : result
    }
}

/// The ISO 8601 texts Connect writes for dates (`Values.dateFormatFor`): a time of day before
/// 1970-01-02, a date at midnight, otherwise a timestamp; all UTC.
enum JavaDateFormats {
    static let time = try! JavaDateFormat("HH:mm:ss.SSS'Z'")
    static let date = try! JavaDateFormat("yyyy-MM-dd")
    static let timestamp = try! JavaDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")

    static func iso8601Text(_ millis: Int64) -> String {
        if millis < ConnectLogicalType.millisPerDay { return time.format(millis: millis) }
        if millis % ConnectLogicalType.millisPerDay == 0 { return date.format(millis: millis) }
        return timestamp.format(millis: millis)
    }
}
