/// Proleptic Gregorian calendar arithmetic in UTC (java.time's ISO chronology), without Foundation.
public struct CivilDateTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int = 0
    public var minute: Int = 0
    public var second: Int = 0
    public var millisecond: Int = 0

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second, self.millisecond) = (hour, minute, second, millisecond)
    }

    /// The calendar fields of `epochMillis` shifted by `offsetSeconds` (a fixed UTC offset).
    public init(epochMillis: Int64, offsetSeconds: Int = 0) {
        let local = epochMillis &+ Int64(offsetSeconds) * 1000
        let days = floorDivide(local, 86_400_000)
        let msOfDay = Int(local - days * 86_400_000)
        let (y, m, d) = CivilDateTime.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: msOfDay / 3_600_000, minute: msOfDay / 60_000 % 60,
                  second: msOfDay / 1000 % 60, millisecond: msOfDay % 1000)
    }

    /// Milliseconds since the epoch of these fields read at `offsetSeconds` from UTC.
    public func epochMillis(offsetSeconds: Int = 0) -> Int64 {
        let days = CivilDateTime.days(year: year, month: month, day: day)
        let ms = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
        return days * 86_400_000 + ms - Int64(offsetSeconds) * 1000
    }

    /// Days since 1970-01-01 of a civil date (the well-known era-based computation).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= CivilDateTime.daysInMonth(year: year, month: month)
            && (0..<24).contains(hour) && (0..<60).contains(minute) && (0..<60).contains(second)
            && (0..<1000).contains(millisecond)
    }
}

/// Division rounding towards negative infinity (Java's Math.floorDiv).
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
