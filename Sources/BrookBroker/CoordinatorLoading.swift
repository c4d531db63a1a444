import NIOConcurrencyHelpers
import NIOCore

/// `loadedFuture` of a coordinator whose topic was never asked to open.
struct CoordinatorNotStarted: Error {}

/// When a coordinator's shards have loaded: known once its internal topic was asked to open
/// (`InternalTopicsStartup.start`), complete once every shard replayed (or gave up).
final class CoordinatorLoading: Sendable {
    private let group: EventLoopGroup
    private let loaded = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)

    init(group: EventLoopGroup) {
        self.group = group
    }

    func set(_ future: EventLoopFuture<Void>) {
        loaded.withLockedValue { $0 = future }
    }

    /// Completes once every shard has loaded; fails if loading never started.
    var future: EventLoopFuture<Void> {
        loaded.withLockedValue { $0 } ?? group.next().makeFailedFuture(CoordinatorNotStarted())
    }

    /// Completes when the shards have loaded or after `wait`, whichever comes first (at once when
    /// loading never started), on `loop`.
    func whenLoaded(within wait: TimeAmount, on loop: EventLoop) -> EventLoopFuture<Void> {
        guard let loaded = loaded.withLockedValue({ $0 }) else { return loop.makeSucceededVoidFuture() }
        let promise = loop.makePromise(of: Void.self)
        let timer = loop.scheduleTask(in: wait) { promise.succeed(()) }
        loaded.hop(to: loop).whenComplete { _ in
            timer.cancel()
            promise.succeed(())  // a no-op when the timer came first
        }
        return promise.futureResult
    }
}
