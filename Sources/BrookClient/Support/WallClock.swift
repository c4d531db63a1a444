#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system clock (Kafka record timestamps count milliseconds since the Unix epoch). Logic takes `now` as a
/// parameter; only the shells call this.
enum WallClock {
    /// Nanoseconds since the Unix epoch.
    static func nowNanos() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
