/// A window or join time unit as written (ksqlDB's windowUnit: singular and plural forms).
public enum TimeUnit: String, Sendable, Equatable, Hashable, CaseIterable {
    case millisecond = "MILLISECOND"
    case milliseconds = "MILLISECONDS"
    case second = "SECOND"
    case seconds = "SECONDS"
    case minute = "MINUTE"
    case minutes = "MINUTES"
    case hour = "HOUR"
    case hours = "HOURS"
    case day = "DAY"
    case days = "DAYS"

    /// How many milliseconds one unit lasts.
    public var milliseconds: Int64 {
        switch self {
        case .millisecond, .milliseconds: 1
        case .second, .seconds: 1_000
        case .minute, .minutes: 60_000
        case .hour, .hours: 3_600_000
        case .day, .days: 86_400_000
        }
    }
}

/// An amount of time from a window or join clause (`1 HOUR`): the milliseconds it means plus the
/// amount and unit as written, so formatting prints what the user wrote.
public struct SQLDuration: Sendable, Equatable, Hashable {
    public var amount: Int64
    public var unit: TimeUnit

    /// nil when `amount` in `unit` does not fit 64-bit milliseconds.
    public init?(amount: Int64, unit: TimeUnit) {
        guard !amount.multipliedReportingOverflow(by: unit.milliseconds).overflow else { return nil }
        self.amount = amount
        self.unit = unit
    }

    public var milliseconds: Int64 { amount * unit.milliseconds }
}
