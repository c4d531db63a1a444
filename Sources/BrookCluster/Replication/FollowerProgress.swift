/// What the leader knows about one follower, from its fetches.
public struct FollowerProgress: Equatable, Sendable {
    /// The follower's log end: its last fetch offset this leader epoch; nil before its first fetch.
    /// Brook's followers fetch the next offset only after fsyncing what they have, so this is
    /// also the follower's durable end.
    public var logEndOffset: Int64?
    /// Our log end when that fetch arrived.
    public var lastFetchLeaderLogEndOffset: Int64?
    public var lastFetchTimeMs: Int64
    /// The last time the follower was caught up (see `fetched`).
    public var lastCaughtUpTimeMs: Int64

    public init(logEndOffset: Int64? = nil, lastFetchLeaderLogEndOffset: Int64? = nil, lastFetchTimeMs: Int64 = 0,
                lastCaughtUpTimeMs: Int64) {
        self.logEndOffset = logEndOffset
        self.lastFetchLeaderLogEndOffset = lastFetchLeaderLogEndOffset
        self.lastFetchTimeMs = lastFetchTimeMs
        self.lastCaughtUpTimeMs = lastCaughtUpTimeMs
    }

    /// Records a fetch at `fetchOffset`, received at `now` while our log ended at `leaderLogEnd`.
    /// Kafka's `lastCaughtUpTimeMs` rule: a follower that reached our log end as of this fetch was
    /// caught up now; one that reached our log end as of its previous fetch was caught up then.
    mutating func fetched(fetchOffset: Int64, leaderLogEnd: Int64, now: Int64) {
        if fetchOffset >= leaderLogEnd {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs, now)
        } else if let previous = lastFetchLeaderLogEndOffset, fetchOffset >= previous {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs, lastFetchTimeMs)
        }
        logEndOffset = fetchOffset
        lastFetchLeaderLogEndOffset = max(leaderLogEnd, lastFetchLeaderLogEndOffset ?? leaderLogEnd)
        lastFetchTimeMs = now
    }

    /// Kafka's out-of-sync test: not at our log end and not caught up for longer than `maxLagMs`.
    func isOutOfSync(leaderLogEnd: Int64, now: Int64, maxLagMs: Int64) -> Bool {
        if logEndOffset == leaderLogEnd { return false }
        return Self.elapsed(from: lastCaughtUpTimeMs, to: now) > maxLagMs
    }

    /// `to - from`, saturated instead of trapping on extreme clock values.
    static func elapsed(from: Int64, to: Int64) -> Int64 {
        let (difference, overflow) = to.subtractingReportingOverflow(from)
        guard overflow else { return difference }
        return to > from ? .max : .min
    }
}
