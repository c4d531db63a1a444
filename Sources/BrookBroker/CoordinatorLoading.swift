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

    /// Replays every shard once `topic` (the open internal topic) arrives, shard i from partition i
    /// (a shard whose partition has no replica here resigns).
    /// nil (it could not be opened, or shutdown began first) closes the shards, so requests get
    /// NOT_COORDINATOR and FindCoordinator keeps answering COORDINATOR_NOT_AVAILABLE.
    /// `followingLeadership` (a cluster): only the shards whose partitions this broker leads load;
    /// the others resign, and later leadership changes reach them through
    /// `Broker.coordinatorRoleChanged`.
    func load<Shard: CoordinatorShard>(_ shards: [Shard], from topic: EventLoopFuture<Topic?>,
                                       followingLeadership: Bool = false) -> EventLoopFuture<Void> {
        let group = self.group
        let done = topic.flatMap { topic -> EventLoopFuture<Void> in
            let loop = group.next()
            guard let topic else { return EventLoopFuture.andAllComplete(shards.map { $0.close() }, on: loop) }
            let loads = shards.enumerated().map { index, shard in
                // A partition with no replica here (a cluster's sparse internal topic) is led elsewhere.
                guard let partition = topic.partition(Int32(index)) else { return shard.resign() }
                return followingLeadership ? shard.follow(partition) : shard.load(from: partition, leaderEpoch: 0)
            }
            return EventLoopFuture.andAllComplete(loads, on: loop)
        }
        loaded.withLockedValue { $0 = done }
        return done
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

/// A coordinator shard that rebuilds itself from one internal-topic partition while this broker
/// leads it (see `CoordinatorShardLifecycle`).
protocol CoordinatorShard: Sendable {
    /// This broker leads `partition` at `leaderEpoch`: replays it, then starts answering requests.
    func load(from partition: Partition, leaderEpoch: Int32) -> EventLoopFuture<Void>
    /// Loads when `partition` leads now, resigns otherwise.
    func follow(_ partition: Partition) -> EventLoopFuture<Void>
    /// Another broker leads the partition: refuses requests (NOT_COORDINATOR), drops the state.
    func resign() -> EventLoopFuture<Void>
    /// Refuses further requests, for good.
    func close() -> EventLoopFuture<Void>
}

extension GroupShardRunner: CoordinatorShard {}
extension TransactionShardRunner: CoordinatorShard {}
