import BrookCoordination
import BrookStorage

/// Broker settings, named and defaulted as Apache Kafka's broker properties.
///
/// Built from a server.properties file plus `--set key=value` overrides by `BrokerConfig.parse`.
public struct BrokerConfig: Sendable {
    /// `broker.id` / `node.id`.
    public var nodeId: Int32 = 0
    /// Address the listener binds (`listeners`, or the CLI's `--listen`).
    public var listenHost: String = "127.0.0.1"
    public var listenPort: Int = 9092
    /// Address given to clients in Metadata (`advertised.listeners`, or `--advertise`).
    public var advertisedHost: String?
    public var advertisedPort: Int?
    /// `log.dirs` / `log.dir` (or `--data-dir`).
    public var dataDir: String = "./brook-data"
    /// `auto.create.topics.enable`.
    public var autoCreateTopics: Bool = true
    /// `num.partitions`.
    public var numPartitions: Int32 = 1
    /// `default.replication.factor`.
    public var defaultReplicationFactor: Int16 = 1
    /// `message.max.bytes`: largest record batch accepted (after compression).
    public var messageMaxBytes: Int = 1_048_588
    /// `socket.request.max.bytes`: largest request frame accepted.
    public var socketRequestMaxBytes: Int = 104_857_600
    /// `queued.max.requests`: in Kafka the broker-wide request queue; here the requests one connection
    /// may have in flight before the broker stops reading its socket (Kafka mutes such a channel).
    public var queuedMaxRequests: Int = 500
    /// `queued.max.request.bytes`: in Kafka the bytes of that queue (unbounded by default); here the bytes
    /// of request frames one connection may have in flight (one request always may run); -1: no bound.
    /// Brook bounds it by default, at `socket.request.max.bytes`, so 500 large requests cannot pile up.
    public var queuedMaxRequestBytes: Int = 104_857_600
    /// `socket.request.read.timeout.ms` (Brook's): a request whose first bytes arrived must be complete
    /// within this, or the connection is closed (slow-loris clients); -1 disables.
    public var socketRequestReadTimeoutMs: Int64 = 30_000
    /// `connections.max.idle.ms`: a connection with no bytes in or out for this long is closed; -1 disables.
    public var connectionsMaxIdleMs: Int64 = 600_000
    /// `log.segment.bytes`.
    public var segmentBytes: Int = 1_073_741_824
    /// `log.roll.ms` (or `log.roll.hours`, default 168 h).
    public var segmentMs: Int64 = 604_800_000
    /// `log.index.interval.bytes`.
    public var indexIntervalBytes: Int = 4096
    /// `log.index.size.max.bytes`.
    public var segmentIndexBytes: Int = 10_485_760
    /// `log.flush.interval.messages`.
    public var flushMessages: Int64 = Int64.max
    /// `log.flush.interval.ms` (unset: never by time; Kafka then falls back to the scheduler interval, which defaults to never too).
    public var flushMs: Int64 = Int64.max
    /// `log.flush.scheduler.interval.ms`: how often the time-based flush policy is checked.
    public var flushSchedulerIntervalMs: Int64 = Int64.max
    /// `log.flush.offset.checkpoint.interval.ms`: how often recovery points are checkpointed (0: never).
    public var logFlushOffsetCheckpointIntervalMs: Int64 = 60_000
    /// `log.retention.ms` (or `.minutes`/`.hours`, default 168 h); enforced by the retention task (later issue).
    public var retentionMs: Int64 = 604_800_000
    /// `log.retention.bytes`.
    public var retentionBytes: Int64 = -1
    /// `log.retention.check.interval.ms`: how often the retention task runs.
    public var retentionCheckIntervalMs: Int64 = 300_000
    /// Other broker-level defaults of topic configs (`log.cleanup.policy`, `log.cleaner.*`,
    /// `compression.type`, ...) by broker property name, as given in server.properties.
    public var topicDefaults: [String: String] = [:]
    /// `log.cleaner.enable`: whether compacted topics are cleaned.
    public var cleanerEnable: Bool = true
    /// `log.cleaner.backoff.ms`: pause between cleaner passes over the compacted partitions.
    public var cleanerBackoffMs: Int64 = 15_000
    /// `log.cleaner.dedupe.buffer.size`: memory for the cleaner's key → offset map (24 bytes a key).
    public var cleanerDedupeBufferSize: Int64 = 134_217_728
    /// `log.message.timestamp.type`.
    public var messageTimestampType: String = "CreateTime"
    /// `num.network.threads` is Kafka's; Brook's event-loop count (`num.io.threads` here), 0 = one per core.
    public var eventLoopThreads: Int = 0
    /// Consumer group coordinator settings (`group.*`, `offsets.*`, `offset.metadata.max.bytes`).
    public var groupCoordinator = GroupCoordinatorConfig()
    /// `producer.id.expiration.ms`: a partition forgets a producer idle this long (default 1 day).
    public var producerIdExpirationMs: Int64 = 86_400_000
    /// `producer.id.expiration.check.interval.ms`: how often idle producers are looked for (default 10 min).
    public var producerIdExpirationCheckIntervalMs: Int64 = 600_000
    /// `transactional.id.expiration.ms`: a transactional id idle this long is forgotten (default 7 days).
    public var transactionalIdExpirationMs: Int64 = 604_800_000
    /// `transaction.max.timeout.ms`: the largest `transaction.timeout.ms` a producer may ask for (default 15 min).
    public var transactionMaxTimeoutMs: Int64 = 900_000
    /// `transaction.state.log.num.partitions`: partitions of `__transaction_state` (default 50).
    public var transactionStateLogNumPartitions: Int32 = 50
    /// `offsets.topic.replication.factor`: replicas of each `__consumer_offsets` partition in a
    /// cluster (default 3); its creation waits until that many brokers are live. A single node ignores it.
    public var offsetsTopicReplicationFactor: Int16 = 3
    /// `transaction.state.log.replication.factor`: as above, for `__transaction_state` (default 3).
    public var transactionStateLogReplicationFactor: Int16 = 3
    /// How this broker, as a follower, fetches from leaders (`replica.fetch.*`, `replica.socket.timeout.ms`).
    public var replicaFetch = ReplicaFetcherSettings()
    /// `broker.rack`: this broker's rack, for rack-aware replica placement (nil: none).
    public var rack: String?
    /// `broker.session.timeout.ms`: how long a cluster's broker may go without refreshing its etcd
    /// lease before it counts as gone (Kafka KRaft's default is 9000; Brook's 1500, for fast failover).
    public var brokerSessionTimeoutMs: Int64 = 1500
    /// `replica.lag.time.max.ms`: a follower that has not caught up for this long leaves the ISR (Kafka's 30000).
    public var replicaLagTimeMaxMs: Int64 = 30_000
    /// `replica.selector.class`: how a leader picks the replica a consumer reads from (KIP-392).
    public var replicaSelector: ReplicaSelectorClass = .leader
    /// How long a graceful stop of a cluster's broker waits for its leaderships to move away.
    public var controlledShutdownTimeoutMs: Int64 = 30_000
    /// `auto.leader.rebalance.enable`: a cluster's controller moves leadership back to preferred
    /// replicas by itself (Kafka's default true).
    public var autoLeaderRebalanceEnable = true
    /// `broker.connection.failure.detection.enable` (Brook's): a broker whose port refuses
    /// connections after it was reachable has its lease revoked by the others at once (default true).
    public var connectionFailureDetectionEnable = true
    /// `leader.imbalance.check.interval.seconds`: how often it checks (Kafka's default 300).
    public var leaderImbalanceCheckIntervalSeconds: Int64 = 300
    /// `leader.imbalance.per.broker.percentage`: the share of its preferred partitions a broker may
    /// not lead before the check moves them back (Kafka's default 10).
    public var leaderImbalancePerBrokerPercentage: Int32 = 10

    public init() {}

    /// The `replica.selector.class` values Kafka ships: consumers read from the leader (the default,
    /// `LeaderSelector`), or from a replica in their `client.rack` (`RackAwareReplicaSelector`).
    public enum ReplicaSelectorClass: String, Sendable {
        case leader = "org.apache.kafka.common.replica.LeaderSelector"
        case rackAware = "org.apache.kafka.common.replica.RackAwareReplicaSelector"
    }

    /// The log settings a newly opened partition gets.
    public var logConfig: LogConfig {
        var c = LogConfig()
        c.segmentBytes = segmentBytes
        c.segmentMs = segmentMs
        c.indexIntervalBytes = indexIntervalBytes
        c.segmentIndexBytes = segmentIndexBytes
        c.flushMessages = flushMessages
        c.flushMs = flushMs
        c.maxMessageBytes = messageMaxBytes
        c.retentionMs = retentionMs
        c.retentionBytes = retentionBytes
        return c
    }

    public var advertised: (host: String, port: Int) {
        (advertisedHost ?? (listenHost == "0.0.0.0" || listenHost == "::" ? "127.0.0.1" : listenHost),
         advertisedPort ?? listenPort)
    }
}
