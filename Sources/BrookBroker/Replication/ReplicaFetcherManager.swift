import BrookCluster
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Why the manager did not start following a partition.
enum ReplicaFollowError: Error, Sendable, Equatable {
    case unknownPartition(TopicPartition)
    /// The partition already knows a newer leader epoch.
    case staleLeaderEpoch(received: Int32, current: Int32)
}

/// The follower side of replication for this broker: one `ReplicaFetcher` per leader broker,
/// partitions grouped by leader. The cluster runtime calls `follow` when the metadata says this
/// broker follows a partition, and `stopFollowing` when it leads it or holds no replica any more.
public final class ReplicaFetcherManager: Sendable {
    private struct Fetchers {
        var byLeader: [BrokerEndpoint: ReplicaFetcher] = [:]
        var leaderOf: [TopicPartition: BrokerEndpoint] = [:]
        var stopped = false
    }

    private let localReplica: Int32
    private let topics: TopicRegistry
    private let group: EventLoopGroup
    private let settings: ReplicaFetcherSettings
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let fetchers = NIOLockedValueBox(Fetchers())
    /// The replication throttles of this broker, both sides (the leader side is applied by Fetch).
    public let throttles: ReplicationThrottles

    init(localReplica: Int32, topics: TopicRegistry, group: EventLoopGroup, settings: ReplicaFetcherSettings = .init(),
         clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.localReplica = localReplica
        self.topics = topics
        self.group = group
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.throttles = ReplicationThrottles(localBroker: localReplica, topics: topics)
    }

    /// This broker follows `leader` for `tp` from leader epoch `epoch`: the partition's replica
    /// state becomes a follower's (`becameFollower`) and the fetcher for `leader` copies it.
    /// Completes once the fetcher has it.
    public func follow(_ tp: TopicPartition, leader: BrokerEndpoint, epoch: Int32) -> EventLoopFuture<Void> {
        let loop = group.next()
        guard let partition = topics.topic(named: tp.topic)?.partition(tp.partition) else {
            return loop.makeFailedFuture(ReplicaFollowError.unknownPartition(tp))
        }
        let refusal = NIOLockedValueBox<ReplicaFollowError?>(nil)
        return partition.updateReplica { state in
            if case .failure(.staleLeaderEpoch(let received, let current)) = state.becameFollower(leader: leader.nodeId, epoch: epoch) {
                refusal.withLockedValue { $0 = .staleLeaderEpoch(received: received, current: current) }
            }
            return []
        }.hop(to: loop).flatMap {
            if let refused = refusal.withLockedValue({ $0 }) { return loop.makeFailedFuture(refused) }
            return self.assign(partition, leader: leader, epoch: epoch, loop: loop)
        }
    }

    private func assign(_ partition: Partition, leader: BrokerEndpoint, epoch: Int32, loop: EventLoop) -> EventLoopFuture<Void> {
        let tp = partition.topicPartition
        let (fetcher, previous) = fetchers.withLockedValue { fetchers -> (ReplicaFetcher?, ReplicaFetcher?) in
            guard !fetchers.stopped else { return (nil, nil) }
            var previous: ReplicaFetcher?
            if let old = fetchers.leaderOf[tp], old != leader { previous = fetchers.byLeader[old] }
            fetchers.leaderOf[tp] = leader
            if let existing = fetchers.byLeader[leader] { return (existing, previous) }
            let topics = self.topics
            let made = ReplicaFetcher(localReplica: localReplica, leader: leader, settings: settings, loop: group.next(),
                                      clock: clock, fileDeleteDelayMs: { tp in
                                          // As DeleteRecords on the leader resolves it.
                                          topics.topic(named: tp.topic).flatMap {
                                              topics.resolver.int64("file.delete.delay.ms", $0.configs)
                                          } ?? 60_000
                                      }, throttles: throttles, logger: logger)
            fetchers.byLeader[leader] = made
            return (made, previous)
        }
        guard let fetcher else { return loop.makeSucceededVoidFuture() }
        let detached = previous.map { self.detach(tp, from: $0) } ?? loop.makeSucceededVoidFuture()
        return detached.flatMap { fetcher.follow(partition, epoch: epoch) }.hop(to: loop)
    }

    /// Stops copying `tp` (we lead it now, or hold no replica); a fetcher left with nothing stops.
    public func stopFollowing(_ tp: TopicPartition) -> EventLoopFuture<Void> {
        let fetcher = fetchers.withLockedValue { fetchers -> ReplicaFetcher? in
            guard let leader = fetchers.leaderOf.removeValue(forKey: tp) else { return nil }
            return fetchers.byLeader[leader]
        }
        guard let fetcher else { return group.next().makeSucceededVoidFuture() }
        return detach(tp, from: fetcher)
    }

    private func detach(_ tp: TopicPartition, from fetcher: ReplicaFetcher) -> EventLoopFuture<Void> {
        fetcher.unfollow(tp).flatMap { stillUsed in
            guard !stillUsed else { return fetcher.loop.makeSucceededVoidFuture() }
            let removed = self.fetchers.withLockedValue { fetchers -> Bool in
                // A partition may have been assigned to it again meanwhile.
                guard fetchers.byLeader[fetcher.leader] === fetcher,
                      !fetchers.leaderOf.values.contains(fetcher.leader) else { return false }
                fetchers.byLeader[fetcher.leader] = nil
                return true
            }
            return removed ? fetcher.stop() : fetcher.loop.makeSucceededVoidFuture()
        }
    }

    /// The fetcher copying `tp`, if any (tests and diagnostics).
    func fetcher(for tp: TopicPartition) -> ReplicaFetcher? {
        fetchers.withLockedValue { fetchers in fetchers.leaderOf[tp].flatMap { fetchers.byLeader[$0] } }
    }

    /// How many fetchers (leader connections) run.
    var fetcherCount: Int { fetchers.withLockedValue { $0.byLeader.count } }

    /// Stops every fetcher and waits until none has a request or append left (the broker's
    /// shutdown, before its logs close). Later `follow` calls do nothing.
    public func shutdown() -> EventLoopFuture<Void> {
        let all = fetchers.withLockedValue { fetchers -> [ReplicaFetcher] in
            fetchers.stopped = true
            let all = Array(fetchers.byLeader.values)
            fetchers = Fetchers(stopped: true)
            return all
        }
        let loop = group.next()
        return EventLoopFuture.andAllComplete(all.map { $0.stop() }, on: loop)
    }
}
