import Foundation

/// Latencies in a log-linear histogram (exact below 64 µs, then 32 sub-buckets per power of two,
/// about 3% precision); cheap to record, good enough for percentiles of a load test.
struct LatencyHistogram {
    private static let subBuckets = 64
    private var counts = [Int](repeating: 0, count: 64 * 40)
    private(set) var count = 0
    private(set) var maxMicros: Int64 = 0

    mutating func record(nanoseconds: Int64) {
        let micros = max(1, nanoseconds / 1000)
        counts[Self.index(micros)] += 1
        count += 1
        maxMicros = max(maxMicros, micros)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The latency (µs) at or below which `percentile` percent of the samples fall.
    func percentile(_ percentile: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let target = max(1, Int((Double(count) * percentile / 100).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= target { return min(Self.upperBound(index), maxMicros) }
        }
        return maxMicros
    }

    private static func index(_ micros: Int64) -> Int {
        let value = UInt64(micros)
        let magnitude = 63 - value.leadingZeroBitCount  // floor(log2)
        if magnitude < 6 { return Int(value) }
        let shift = magnitude - 5
        let sub = Int(value >> UInt64(shift)) - subBuckets / 2  // 0..<32, the top bits below the leading one
        return min(64 * 40 - 1, subBuckets + (magnitude - 6) * (subBuckets / 2) + sub)
    }

    private static func upperBound(_ index: Int) -> Int64 {
        if index < subBuckets { return Int64(index) }
        let magnitude = (index - subBuckets) / (subBuckets / 2) + 6
        let sub = (index - subBuckets) % (subBuckets / 2)
        let shift = magnitude - 5
        return (Int64(sub + subBuckets / 2 + 1) << Int64(shift)) - 1
    }
}

/// "1.23 ms" / "850 µs" / "2.1 s".
func formatMicros(_ micros: Int64) -> String {
    if micros < 1000 { return "\(micros) µs" }
    if micros < 1_000_000 { return String(format: "%.2f ms", Double(micros) / 1000) }
    return String(format: "%.2f s", Double(micros) / 1_000_000)
}
