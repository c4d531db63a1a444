import BrookCoordination
import BrookProtocol
import Foundation
import Logging
import NIOCore

/// The broker's consumer group coordinator: one shard per `__consumer_offsets` partition, each run on
/// the event loop that owns that partition. Every group lives on the shard `hash(group) % partitions`.
public final class GroupCoordinator: Sendable {
    let config: GroupCoordinatorConfig
    let runners: [GroupShardRunner]
    private let loaded: EventLoopFuture<Void>

    /// Opens (or creates) `__consumer_offsets` and starts replaying it in the background.
    init(topics: TopicRegistry, config: GroupCoordinatorConfig, group: EventLoopGroup, logger: Logger,
         clock: @escaping @Sendable () -> Int64) throws {
        self.config = config
        let topic = try OffsetsTopic.openOrCreate(in: topics, config: config)
        runners = topic.partitions.map { GroupShardRunner(partition: $0, config: config, logger: logger, clock: clock) }
        loaded = EventLoopFuture.andAllComplete(runners.map { $0.load() }, on: group.next())
    }

    /// Completes once every shard has loaded (tests wait on this).
    public var loadedFuture: EventLoopFuture<Void> { loaded }

    /// The shard coordinating `groupId`.
    func runner(for groupId: String) -> GroupShardRunner {
        runners[Int(GroupPartitioner.partition(for: groupId, partitions: Int32(runners.count)))]
    }

    /// The topics KIP-848 assignors may hand out (internal topics excluded).
    func topicsImage(_ registry: TopicRegistry) -> TopicsImage {
        TopicsImage(registry.allTopics.filter { !$0.isInternal }.map {
            TopicImage(id: $0.id, name: $0.name, partitions: Int32($0.partitions.count))
        })
    }

    /// The random part of a new member id.
    static func newMemberIdSuffix() -> String { UUID().uuidString.lowercased() }

    /// Answers every parked request and stops all shards; idempotent.
    func close(on loop: EventLoop) -> EventLoopFuture<Void> {
        EventLoopFuture.andAllComplete(runners.map { $0.close() }, on: loop)
    }
}
