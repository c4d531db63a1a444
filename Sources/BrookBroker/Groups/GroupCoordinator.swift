import BrookCoordination
import BrookProtocol
import BrookStorage
import Foundation
import Logging
import NIOCore

/// The broker's consumer group coordinator: one shard per `__consumer_offsets` partition, each run on
/// the event loop that owns that partition. Every group lives on the shard `hash(group) % partitions`.
///
/// The shards exist from start-up and answer COORDINATOR_LOAD_IN_PROGRESS until `load(from:)` has
/// replayed their partitions (the topic is opened in the background once the listener is up).
public final class GroupCoordinator: Sendable {
    let config: GroupCoordinatorConfig
    let runners: [GroupShardRunner]
    private let group: EventLoopGroup
    /// When the shards have loaded.
    let loading: CoordinatorLoading

    /// Shards for the `partitions` partitions of `__consumer_offsets`, each on the loop its partition
    /// will have; they hold no partition until `load(from:)`.
    init(partitions: Int32, topics: TopicRegistry, config: GroupCoordinatorConfig, group: EventLoopGroup,
         logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.config = config
        self.group = group
        self.loading = CoordinatorLoading(group: group)
        runners = (0..<partitions).map { index in
            GroupShardRunner(eventLoop: topics.loop(for: TopicPartition(topic: OffsetsTopic.name, partition: index)),
                             config: config, logger: logger, clock: clock)
        }
    }

    /// Replays every shard once `topic` (the open `__consumer_offsets`) arrives; see `CoordinatorLoading.load`.
    /// `followingLeadership`: a cluster's broker, whose shards serve only while it leads their partitions.
    func load(from topic: EventLoopFuture<Topic?>, followingLeadership: Bool = false) -> EventLoopFuture<Void> {
        loading.load(runners, from: topic, followingLeadership: followingLeadership)
    }

    /// Completes once every shard has loaded (tests wait on this); fails if loading never started.
    public var loadedFuture: EventLoopFuture<Void> { loading.future }

    /// The shard coordinating `groupId`.
    func runner(for groupId: String) -> GroupShardRunner {
        runners[Int(GroupPartitioner.partition(for: groupId, partitions: Int32(runners.count)))]
    }

    /// The topics KIP-848 assignors may hand out (internal topics excluded).
    func topicsImage(_ registry: TopicRegistry) -> TopicsImage {
        TopicsImage(registry.allTopics.filter { !$0.isInternal }.map {
            TopicImage(id: $0.id, name: $0.name, partitions: $0.partitionCount)
        })
    }

    /// The random part of a new member id.
    static func newMemberIdSuffix() -> String { UUID().uuidString.lowercased() }

    /// Answers every parked request and stops all shards; idempotent.
    func close(on loop: EventLoop) -> EventLoopFuture<Void> {
        EventLoopFuture.andAllComplete(runners.map { $0.close() }, on: loop)
    }
}
