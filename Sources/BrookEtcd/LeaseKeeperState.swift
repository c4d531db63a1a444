/// Why a kept lease is considered lost.
public enum EtcdLeaseLoss: Sendable, Equatable, CustomStringConvertible {
    /// etcd said the lease no longer exists (it expired or was revoked).
    case expired
    /// No refresh succeeded for a whole TTL, so etcd may have expired the lease; the last error.
    case unreachable(String)

    public var description: String {
        switch self {
        case .expired: return "lease expired or revoked in etcd"
        case .unreachable(let why): return "etcd unreachable for longer than the lease TTL (\(why))"
        }
    }
}

/// When to refresh a lease and when to give it up. Sans-IO: the keeper's task feeds it outcomes
/// with the current instant and does what it answers. The local expiry is counted from when the
/// last successful refresh was *sent*, so it never falls after etcd's own.
struct LeaseKeeperState {
    enum Action: Equatable {
        /// Send the next refresh at this instant; give up waiting for its answer at `giveUpAt`.
        case refresh(at: ContinuousClock.Instant, giveUpAt: ContinuousClock.Instant)
        case lost(EtcdLeaseLoss)
    }

    private(set) var expiresAt: ContinuousClock.Instant
    private var ttl: Duration

    init(ttlSeconds: Int64, grantedAt now: ContinuousClock.Instant) {
        ttl = .seconds(ttlSeconds)
        expiresAt = now + ttl
    }

    /// What to do first, right after the grant.
    func start(now: ContinuousClock.Instant) -> Action {
        .refresh(at: now + ttl / 3, giveUpAt: expiresAt)
    }

    /// A refresh sent at `sentAt` was answered with `ttlSeconds`.
    mutating func refreshed(ttlSeconds: Int64, sentAt: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Action {
        ttl = .seconds(ttlSeconds)
        expiresAt = max(expiresAt, sentAt + ttl)
        return .refresh(at: now + ttl / 3, giveUpAt: expiresAt)
    }

    /// A refresh failed: etcd no longer knows the lease, or it could not be reached.
    mutating func refreshFailed(_ error: EtcdError, now: ContinuousClock.Instant) -> Action {
        if case .leaseNotFound = error { return .lost(.expired) }
        guard now < expiresAt else { return .lost(.unreachable("\(error)")) }
        // Retry soon, but often enough to get several tries in before the lease would expire.
        let retryAt = min(now + min(ttl / 6, .milliseconds(500)), expiresAt)
        return .refresh(at: retryAt, giveUpAt: expiresAt)
    }

    /// No answer came by the deadline.
    mutating func deadlinePassed(now: ContinuousClock.Instant) -> Action {
        .lost(.unreachable("no answer from etcd before the lease TTL ran out"))
    }
}
