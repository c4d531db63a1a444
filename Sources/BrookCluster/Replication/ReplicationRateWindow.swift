/// The rate of replication traffic over a sliding window, as Kafka's replication quotas measure it
/// (`replication.quota.window.num` samples of `replication.quota.window.size.seconds`, defaults 11
/// and 1): bytes recorded in the samples still in the window, divided by the time they span, at
/// least all samples but the current one (so a first burst is averaged over that much). Sans-IO:
/// the caller passes `now` (milliseconds).
public struct ReplicationRateWindow: Sendable, Equatable {
    public let sampleMs: Int64
    public let sampleCount: Int
    private var samples: [Sample] = []

    private struct Sample: Sendable, Equatable {
        var start: Int64
        var bytes: Int64
    }

    public init(sampleMs: Int64 = 1000, sampleCount: Int = 11) {
        self.sampleMs = max(1, sampleMs)
        self.sampleCount = max(2, sampleCount)
    }

    /// Counts `bytes` sent or received at `now`.
    public mutating func record(_ bytes: Int, now: Int64) {
        purge(now: now)
        if let last = samples.last, now < last.start + sampleMs {
            samples[samples.count - 1].bytes += Int64(bytes)
        } else {
            samples.append(Sample(start: now, bytes: Int64(bytes)))
        }
    }

    /// Bytes per second over the window at `now`.
    public func rate(now: Int64) -> Double {
        let live = samples.filter { $0.start > now - sampleMs * Int64(sampleCount) }
        guard let oldest = live.first else { return 0 }
        let total = live.reduce(Int64(0)) { $0 + $1.bytes }
        let elapsed = max(now - oldest.start, sampleMs * Int64(sampleCount - 1))
        return Double(total) * 1000 / Double(elapsed)
    }

    /// Whether the rate is above `bytesPerSecond` (Kafka's `isQuotaExceeded`); `Int64.max` never is.
    public func exceeds(_ bytesPerSecond: Int64, now: Int64) -> Bool {
        bytesPerSecond < Int64.max && rate(now: now) > Double(bytesPerSecond)
    }

    private mutating func purge(now: Int64) {
        samples.removeAll { $0.start <= now - sampleMs * Int64(sampleCount) }
    }
}
