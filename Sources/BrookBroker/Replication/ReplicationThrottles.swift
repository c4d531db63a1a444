import BrookCluster
import BrookStorage
import NIOConcurrencyHelpers

/// Kafka's replication throttles (KIP-73), used to move replicas without starving clients: the
/// runtime broker settings `leader.replication.throttled.rate` and
/// `follower.replication.throttled.rate` (bytes/s, unlimited by default) cap the traffic of the
/// replicas a topic names in `leader.replication.throttled.replicas` /
/// `follower.replication.throttled.replicas` (`partition:broker` pairs, or `*`), on this broker.
/// As in Kafka, only replicas out of sync are held back, and only once the measured rate of
/// throttled traffic exceeds the setting: the follower leaves such a partition out of its next
/// fetch; the leader answers it with no records.
public final class ReplicationThrottles: Sendable {
    /// Which side of replication a throttle applies to.
    public enum Side: Sendable {
        case leader, follower

        var rateKey: String {
            switch self {
            case .leader: return "leader.replication.throttled.rate"
            case .follower: return "follower.replication.throttled.rate"
            }
        }

        var replicasKey: String {
            switch self {
            case .leader: return "leader.replication.throttled.replicas"
            case .follower: return "follower.replication.throttled.replicas"
            }
        }
    }

    private let localBroker: Int32
    private let topics: TopicRegistry
    private let leaderWindow = NIOLockedValueBox(ReplicationRateWindow())
    private let followerWindow = NIOLockedValueBox(ReplicationRateWindow())

    init(localBroker: Int32, topics: TopicRegistry) {
        self.localBroker = localBroker
        self.topics = topics
    }

    /// Whether the topic's config names this broker's replica of `tp` for `side`.
    public func isThrottled(_ tp: TopicPartition, _ side: Side) -> Bool {
        guard let configs = topics.topic(named: tp.topic)?.configs, let value = configs[side.replicasKey] else { return false }
        return ThrottledReplicas(value).contains(partition: tp.partition, broker: localBroker)
    }

    /// Whether throttled traffic on `side` is above its rate now.
    public func isExceeded(_ side: Side, now: Int64) -> Bool {
        let limit = topics.resolver.brokerInt64(side.rateKey) ?? Int64.max
        return window(side).withLockedValue { $0.exceeds(limit, now: now) }
    }

    /// Kafka's rule: an out-of-sync replica of a throttled partition waits while the rate is exceeded.
    public func holdsBack(_ tp: TopicPartition, _ side: Side, inSync: Bool, now: Int64) -> Bool {
        !inSync && isThrottled(tp, side) && isExceeded(side, now: now)
    }

    /// Counts `bytes` of a throttled partition's replication traffic on `side`.
    public func record(_ bytes: Int, _ side: Side, now: Int64) {
        window(side).withLockedValue { $0.record(bytes, now: now) }
    }

    private func window(_ side: Side) -> NIOLockedValueBox<ReplicationRateWindow> {
        side == .leader ? leaderWindow : followerWindow
    }
}
