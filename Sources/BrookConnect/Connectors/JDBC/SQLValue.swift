import BrookSchemas

/// One SQL parameter or result value, as the SQL connectors hand it to and read it from a database:
/// the driver-neutral middle between Connect values and a dialect's wire form. Temporal values are
/// UTC (Connect's Date/Time/Timestamp carry no zone).
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case text(String)
    case bytes([UInt8])
    case decimal(ConnectDecimal)
    /// Days since 1970-01-01.
    case date(days: Int32)
    /// Microseconds since midnight.
    case time(micros: Int64)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(micros: Int64)

    /// The value as the text a SQL literal or a text-format parameter would carry (PostgreSQL
    /// accepts these for every column type it infers). nil for null.
    public var parameterText: String? {
        switch self {
        case .null: return nil
        case let .integer(value): return String(value)
        case let .real(value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            return "\(value)"
        case let .boolean(flag): return flag ? "true" : "false"
        case let .text(text): return text
        case let .bytes(bytes): return "\\x" + SQLTemporal.hex(bytes)
        case let .decimal(decimal): return decimal.plainString
        case let .date(days): return SQLTemporal.dateText(days: days)
        case let .time(micros): return SQLTemporal.timeText(micros: micros)
        case let .timestamp(micros): return SQLTemporal.timestampText(micros: micros)
        }
    }

    /// The value as JSON (desired-state `input=sql` rows): numbers as literals, bytes as base64,
    /// temporal values as ISO-8601 text.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case let .integer(value): return .number(String(value))
        case let .real(value): return value.isFinite ? .number("\(value)") : .string(parameterText ?? "")
        case let .boolean(flag): return .bool(flag)
        case let .text(text): return .string(text)
        case let .bytes(bytes): return .string(ConnectBase64.encode(bytes))
        case let .decimal(decimal): return .number(decimal.plainString)
        case let .date(days): return .string(SQLTemporal.dateText(days: days))
        case let .time(micros): return .string(SQLTemporal.timeText(micros: micros))
        case let .timestamp(micros): return .string(SQLTemporal.isoTimestampText(micros: micros))
        }
    }
}

/// Calendar arithmetic for SQL temporal values (proleptic Gregorian, UTC), without Foundation's
/// calendars: days ↔ civil dates by Howard Hinnant's published algorithm.
enum SQLTemporal {
    static let microsPerDay: Int64 = 86_400_000_000

    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func dateText(days: Int32) -> String {
        let (year, month, day) = civil(days: Int64(days))
        let yearText = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        return yearText + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func timeText(micros: Int64) -> String {
        let seconds = micros / 1_000_000, fraction = micros % 1_000_000
        let text = pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        return fraction == 0 ? text : text + "." + pad(fraction, 6)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, the form PostgreSQL's TIMESTAMP and SQLite's date functions read.
    static func timestampText(micros: Int64) -> String {
        let (days, rest) = floorDivide(micros, microsPerDay)
        guard let day32 = Int32(exactly: days) else { return String(micros) }
        return dateText(days: day32) + " " + timeText(micros: rest)
    }

    static func isoTimestampText(micros: Int64) -> String {
        timestampText(micros: micros).replacingFirstSpace(with: "T") + "Z"
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingFirstSpace(with replacement: Character) -> String {
        guard let space = firstIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(space...space, with: String(replacement))
        return copy
    }
}
