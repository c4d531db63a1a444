import Foundation

/// Where `brook consume -o` and `brook group seek --to` start, per partition:
/// `start` (or `beginning`), `end`, `N` (absolute), `-N` (N before the end), `+N` (N after the
/// start), `@T` (first record at or after T: milliseconds since the epoch or an ISO-8601 time),
/// `@-D` (D ago: `@-1h`, `@-30m`, `@-10s`, `@-500ms`, `@-2d`).
enum StartOffset: Equatable {
    case start
    case end
    case absolute(Int64)
    case beforeEnd(Int64)
    case afterStart(Int64)
    case timestamp(Int64)
    case ago(milliseconds: Int64)

    static func parse(_ raw: String) throws -> StartOffset {
        let text = raw.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "start", "beginning", "earliest", "first": return .start
        case "end", "latest", "last": return .end
        default: break
        }
        if text.hasPrefix("@") {
            let rest = String(text.dropFirst())
            if rest.hasPrefix("-") {
                guard let millis = parseDuration(String(rest.dropFirst())) else {
                    throw CLIError.usage("bad relative time '\(raw)': use @-<number><ms|s|m|h|d>, e.g. @-1h")
                }
                return .ago(milliseconds: millis)
            }
            if let millis = Int64(rest), millis >= 0 { return .timestamp(millis) }
            if let date = parseISO8601(rest) { return .timestamp(Int64((date.timeIntervalSince1970 * 1000).rounded())) }
            throw CLIError.usage("bad timestamp '\(raw)': use @<milliseconds since epoch>, @<ISO-8601 time> or @-<duration>")
        }
        if text.hasPrefix("-"), let count = Int64(text.dropFirst()), count >= 0 { return .beforeEnd(count) }
        if text.hasPrefix("+"), let count = Int64(text.dropFirst()), count >= 0 { return .afterStart(count) }
        if let offset = Int64(text), offset >= 0 { return .absolute(offset) }
        throw CLIError.usage("bad offset '\(raw)': use start, end, N, -N, +N, @timestamp or @-1h")
    }

    /// "1h" → 3 600 000. Units: ms, s, m, h, d; a bare number is seconds.
    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return Int64((value * Double(factor)).rounded())
        }
        guard let seconds = Double(text), seconds >= 0 else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    private static func parseISO8601(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }

    /// The timestamp to look up for the time forms, given `now` in milliseconds; nil for the others.
    func lookupTimestamp(now: Int64) -> Int64? {
        switch self {
        case .timestamp(let millis): return millis
        case .ago(let millis): return max(0, now - millis)
        default: return nil
        }
    }

    /// The offset for the position forms, from the partition's log start and end.
    func resolve(earliest: Int64, latest: Int64) -> Int64? {
        switch self {
        case .start: return earliest
        case .end: return latest
        case .absolute(let offset): return offset
        case .beforeEnd(let count): return max(earliest, latest - count)
        case .afterStart(let count): return min(latest, earliest + count)
        case .timestamp, .ago: return nil
        }
    }
}
