/// ISO-8601 text for DATE, TIME and TIMESTAMP, as CAST and ksqlDB's literals read it.
public enum SQLTimeText {
    /// `yyyy-MM-dd` → days since the epoch; `yyyy` and `yyyy-MM` mean the first day (ksqlDB's
    /// PartialStringToTimestampParser.completeDate).
    public static func parseDate(_ text: String) -> Int32? {
        var scanner = DigitScanner(completeDate(text.trimmingSQLWhitespace()))
        guard let c = scanner.date(), scanner.atEnd else { return nil }
        return Int32(exactly: CivilDateTime.days(year: c.year, month: c.month, day: c.day))
    }

    /// `HH:mm[:ss[.fraction]]` → milliseconds of the day.
    public static func parseTime(_ text: String) -> Int32? {
        var scanner = DigitScanner(text.trimmingSQLWhitespace())
        guard let ms = scanner.time(), scanner.atEnd else { return nil }
        return Int32(ms)
    }

    /// ksqlDB's PartialStringToTimestampParser: `yyyy-MM-ddTHH:mm:ss.SSS` where the time may be cut
    /// short anywhere (`2024-02-29T12` is noon; missing digits are zeros) and be followed by `Z` or a
    /// `±HH[:]mm` offset; text without `T` is a possibly partial date (`2024`, `2024-02`) at
    /// midnight UTC. → epoch milliseconds.
    public static func parseTimestamp(_ text: String) -> Int64? {
        let trimmed = text.trimmingSQLWhitespace()
        var dateText = completeDate(trimmed), timeText = "00:00:00.000", offset = 0
        if let t = trimmed.firstIndex(of: "T") {
            dateText = String(trimmed[..<t])
            var rest = String(trimmed[trimmed.index(after: t)...])
            if let sign = rest.firstIndex(where: { $0 == "+" || $0 == "-" }) {
                var zone = DigitScanner(String(rest[sign...]))
                guard let parsed = zone.offset(), zone.atEnd else { return nil }
                offset = parsed
                rest = String(rest[..<sign])
            }
            if rest.hasSuffix("Z") { rest.removeLast() }
            let template = Array("00:00:00.000")
            timeText = rest.count >= template.count ? rest : rest + String(template[rest.count...])
        }
        var dateScanner = DigitScanner(dateText), timeScanner = DigitScanner(timeText)
        guard let date = dateScanner.date(), dateScanner.atEnd, let ms = timeScanner.time(), timeScanner.atEnd else { return nil }
        return CivilDateTime.days(year: date.year, month: date.month, day: date.day) * 86_400_000 + Int64(ms) - Int64(offset) * 1000
    }

    /// `2024` → `2024-01-01`, `2024-02` → `2024-02-01`; anything else unchanged.
    static func completeDate(_ text: String) -> String {
        switch text.split(separator: "-", omittingEmptySubsequences: false).count {
        case 1: text + "-01-01"
        case 2: text + "-01"
        default: text
        }
    }
}

/// A cursor over ASCII text for the fixed-width numeric fields of dates and times.
struct DigitScanner {
    let chars: [Character]
    var position = 0

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { position == chars.count }

    mutating func take(_ c: Character) -> Bool {
        guard position < chars.count, chars[position] == c else { return false }
        position += 1
        return true
    }

    /// Consumes `word` if the text continues with it.
    mutating func take(word: String) -> Bool {
        let w = Array(word)
        guard position + w.count <= chars.count, Array(chars[position..<(position + w.count)]) == w else { return false }
        position += w.count
        return true
    }

    /// Exactly `count` digits (or between `count` and `maximum`).
    mutating func number(_ count: Int, maximum: Int? = nil) -> Int? {
        var value = 0, read = 0
        while read < (maximum ?? count), position < chars.count, let d = chars[position].wholeNumberValue, chars[position].isASCII {
            value = value * 10 + d
            read += 1
            position += 1
        }
        return read >= count ? value : nil
    }

    mutating func date() -> CivilDateTime? {
        let negative = take("-")
        // Years up to 6 digits keep epoch milliseconds inside 64 bits.
        guard let y = number(4, maximum: 6), take("-"), let m = number(2), take("-"), let d = number(2) else { return nil }
        let c = CivilDateTime(year: negative ? -y : y, month: m, day: d)
        return c.isValid ? c : nil
    }

    /// `HH:mm[:ss[.fraction]]` as milliseconds; fractions beyond milliseconds are truncated.
    mutating func time() -> Int? {
        guard let h = number(2), take(":"), let m = number(2) else { return nil }
        var s = 0, ms = 0
        if take(":") {
            guard let sec = number(2) else { return nil }
            s = sec
            if take(".") {
                let start = position
                guard let fraction = number(1, maximum: 9) else { return nil }
                let digits = position - start
                var scaled = fraction
                if digits < 3 { for _ in digits..<3 { scaled *= 10 } } else { for _ in 3..<digits { scaled /= 10 } }
                ms = scaled
            }
        }
        guard h < 24, m < 60, s < 60 else { return nil }
        return ((h * 60 + m) * 60 + s) * 1000 + ms
    }

    /// `Z`, `±HH`, `±HHmm`, `±HH:mm` as seconds east of UTC.
    mutating func offset() -> Int? {
        if take("Z") { return 0 }
        let sign: Int
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let h = number(2) else { return nil }
        _ = take(":")
        let m = number(2) ?? 0
        guard h <= 18, m < 60 else { return nil }
        return sign * (h * 3600 + m * 60)
    }
}
