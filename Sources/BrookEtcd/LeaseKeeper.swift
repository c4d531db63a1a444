import Logging
import NIOConcurrencyHelpers

/// Keeps a lease alive by refreshing it every TTL/3 on its own task, and reports at once, through
/// `losses`, when the lease is lost (etcd says it is gone, or no refresh got through for a whole
/// TTL). After a loss it stops; anything registered under the lease must be treated as gone.
public final class LeaseKeeper: Sendable {
    public let lease: EtcdLease
    /// Yields the loss, at most once, then finishes (also finishes on `stop()`).
    public let losses: AsyncStream<EtcdLeaseLoss>
    private let task: NIOLockedValueBox<Task<Void, Never>?>

    /// Starts refreshing `lease` now.
    public init(client: EtcdClient, lease: EtcdLease, logger: Logger) {
        self.lease = lease
        let (losses, continuation) = AsyncStream<EtcdLeaseLoss>.makeStream()
        self.losses = losses
        let clock = ContinuousClock()
        let state = LeaseKeeperState(ttlSeconds: lease.ttlSeconds, grantedAt: clock.now)
        task = NIOLockedValueBox(nil)
        let run = Task {
            let loss = await Self.run(client: client, lease: lease, state: state, clock: clock, logger: logger)
            if let loss {
                logger.warning("etcd lease lost", metadata: [EtcdLogKeys.lease: "\(lease.id)", "reason": "\(loss)"])
                continuation.yield(loss)
            }
            continuation.finish()
        }
        task.withLockedValue { $0 = run }
    }

    /// Stops refreshing (the lease then expires by itself unless revoked).
    public func stop() {
        task.withLockedValue { $0?.cancel() }
    }

    deinit {
        task.withLockedValue { $0?.cancel() }
    }

    /// The loop; returns the loss, or nil when cancelled.
    private static func run(client: EtcdClient, lease: EtcdLease, state: LeaseKeeperState, clock: ContinuousClock,
                            logger: Logger) async -> EtcdLeaseLoss? {
        var state = state
        var action = state.start(now: clock.now)
        while true {
            switch action {
            case .lost(let loss):
                return loss
            case .refresh(let at, let giveUpAt):
                do {
                    try await clock.sleep(until: at)
                } catch {
                    return nil
                }
                let sentAt = clock.now
                let outcome = await refresh(client: client, id: lease.id, deadline: giveUpAt, clock: clock)
                if Task.isCancelled { return nil }
                switch outcome {
                case .ttl(let ttl):
                    action = state.refreshed(ttlSeconds: ttl, sentAt: sentAt, now: clock.now)
                case .failed(let error):
                    logger.debug("etcd lease refresh failed", metadata: [EtcdLogKeys.lease: "\(lease.id)", "error": "\(error)"])
                    action = state.refreshFailed(error, now: clock.now)
                case .deadline:
                    action = state.deadlinePassed(now: clock.now)
                }
            }
        }
    }

    private enum Outcome: Sendable {
        case ttl(Int64)
        case failed(EtcdError)
        case deadline
    }

    /// One keep-alive, abandoned when the lease would have expired before it answers.
    private static func refresh(client: EtcdClient, id: Int64, deadline: ContinuousClock.Instant,
                                clock: ContinuousClock) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do {
                    return .ttl(try await client.keepAliveOnce(id))
                } catch let error as EtcdError {
                    return .failed(error)
                } catch {
                    return .failed(.decode("\(error)"))
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: deadline)
                    return .deadline
                } catch {
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .deadline
        }
    }
}
