import NIOCore

/// Milliseconds since the epoch derived from a monotonic reading, so accepting a record reads one
/// clock instead of two. The offset to the wall clock is re-read once a second, which keeps the
/// timestamps within a millisecond of `WallClock` while the system clock is steady.
struct RecordClock {
    private var offsetNanos: Int64 = 0
    private var syncedAt: NIODeadline?

    mutating func millis(at now: NIODeadline) -> Int64 {
        if syncedAt.map({ now - $0 > .seconds(1) || now < $0 }) ?? true {
            offsetNanos = WallClock.nowNanos() - Int64(now.uptimeNanoseconds)
            syncedAt = now
        }
        return (Int64(now.uptimeNanoseconds) + offsetNanos) / 1_000_000
    }
}
