import BrookCoordination
import BrookStorage
import Logging
import NIOCore

/// The broker's transaction coordinator: one shard per `__transaction_state` partition, each run on
/// the event loop that owns that partition. A transactional id lives on the shard
/// `hash(id) % partitions` (the same hash as groups). Timers abort transactions past their
/// `transaction.timeout.ms` and forget ids idle past `transactional.id.expiration.ms`.
public final class TransactionCoordinator: Sendable {
    /// The settings the coordinator runs with.
    struct Settings: Sendable {
        var maxTimeoutMs: Int64
        var idExpirationMs: Int64
        /// `transaction.abort.timed.out.transaction.cleanup.interval.ms` (Kafka: 10 s).
        var abortCheckIntervalMs: Int64 = 10_000
        /// `transaction.remove.expired.transaction.cleanup.interval.ms` (Kafka: 1 h).
        var expiryCheckIntervalMs: Int64 = 3_600_000
    }

    let runners: [TransactionShardRunner]
    private let group: EventLoopGroup
    /// When the shards have loaded.
    let loading: CoordinatorLoading
    private let abortTask: RepeatedTask
    private let expiryTask: RepeatedTask

    /// Shards for the `partitions` partitions of `__transaction_state`, each on the loop its partition
    /// will have; they hold no partition and answer COORDINATOR_LOAD_IN_PROGRESS until `load(from:)`.
    init(partitions: Int32, topics: TopicRegistry, settings: Settings, group: EventLoopGroup, logger: Logger,
         clock: @escaping @Sendable () -> Int64, writeMarkers: @escaping TransactionShardRunner.MarkerWriter) {
        self.group = group
        self.loading = CoordinatorLoading(group: group)
        let runners = (0..<partitions).map { index in
            TransactionShardRunner(
                eventLoop: topics.loop(for: TopicPartition(topic: TransactionStateTopic.name, partition: index)),
                maxTimeoutMs: settings.maxTimeoutMs, logger: logger, clock: clock, writeMarkers: writeMarkers)
        }
        self.runners = runners
        let abortInterval = TimeAmount.milliseconds(settings.abortCheckIntervalMs)
        abortTask = group.next().scheduleRepeatedTask(initialDelay: abortInterval, delay: abortInterval) { _ in
            for runner in runners { runner.abortTimedOut() }
        }
        let expiryInterval = TimeAmount.milliseconds(settings.expiryCheckIntervalMs)
        expiryTask = group.next().scheduleRepeatedTask(initialDelay: expiryInterval, delay: expiryInterval) { _ in
            for runner in runners { runner.expireTransactionalIds(expirationMs: settings.idExpirationMs) }
        }
    }

    /// Replays every shard once `topic` (the open `__transaction_state`) arrives; see `CoordinatorLoading.load`.
    /// `followingLeadership`: a cluster's broker, whose shards serve only while it leads their partitions.
    func load(from topic: EventLoopFuture<Topic?>, followingLeadership: Bool = false) -> EventLoopFuture<Void> {
        loading.load(runners, from: topic, followingLeadership: followingLeadership)
    }

    /// Completes once every shard has loaded (tests wait on this); fails if loading never started.
    public var loadedFuture: EventLoopFuture<Void> { loading.future }

    /// The shard coordinating `transactionalId`.
    func runner(for transactionalId: String) -> TransactionShardRunner {
        runners[Int(GroupPartitioner.partition(for: transactionalId, partitions: Int32(runners.count)))]
    }

    /// Stops the timers and refuses further requests; idempotent.
    func close(on loop: EventLoop) -> EventLoopFuture<Void> {
        abortTask.cancel()
        expiryTask.cancel()
        return EventLoopFuture.andAllComplete(runners.map { $0.close() }, on: loop)
    }
}
