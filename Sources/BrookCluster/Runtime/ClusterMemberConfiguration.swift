import BrookEtcd

/// What one broker needs to take part in the cluster: who it is, where clients reach it, and where
/// the cluster's etcd is.
public struct ClusterMemberConfiguration: Sendable {
    /// `--node-id`.
    public var nodeId: Int32
    /// The advertised address written in the registration.
    public var host: String
    public var port: Int32
    /// `broker.rack`.
    public var rack: String?
    public var etcdEndpoints: [EtcdEndpoint]
    public var layout: EtcdKeyLayout
    /// `broker.session.timeout.ms` (Kafka's name and default 9000 in KRaft; Brook's default 1500):
    /// how long a broker may go without refreshing its lease before the cluster treats it as gone.
    public var sessionTimeoutMilliseconds: Int64
    /// One run of this process (a restart must pick a new one; losing the lease and registering
    /// again keeps it, so the controller knows the log was not lost).
    public var incarnation: Int64
    /// The longest `shutdown()` waits for the controller to move this broker's leaderships away
    /// (Kafka's controlled shutdown retries for about as long) before it deregisters anyway.
    public var controlledShutdownTimeout: Duration
    /// Election policy of topics without overrides (`unclean.leader.election.enable`,
    /// `min.insync.replicas` broker defaults).
    public var defaultPolicy: TopicElectionPolicy
    /// `auto.leader.rebalance.enable` (Kafka's default true): the controller moves leadership back
    /// to preferred replicas by itself.
    public var autoLeaderRebalanceEnable: Bool
    /// `leader.imbalance.check.interval.seconds` (Kafka's default 300): how often it checks.
    public var leaderImbalanceCheckInterval: Duration
    /// `leader.imbalance.per.broker.percentage` (Kafka's default 10): the share of its preferred
    /// partitions a broker may not lead before the check moves them back.
    public var leaderImbalancePerBrokerPercentage: Int
    /// `broker.connection.failure.detection.enable` (Brook's, default true): revoke the lease of a
    /// broker whose port refuses connections after it was reachable (`PeerLiveness`), so a crashed
    /// broker's partitions fail over in well under a second instead of after its lease expires.
    public var connectionFailureDetection: Bool

    public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil, etcdEndpoints: [EtcdEndpoint],
                layout: EtcdKeyLayout = EtcdKeyLayout(), sessionTimeoutMilliseconds: Int64 = 1500,
                incarnation: Int64 = Int64.random(in: 1...Int64.max), controlledShutdownTimeout: Duration = .seconds(30),
                defaultPolicy: TopicElectionPolicy = TopicElectionPolicy(), autoLeaderRebalanceEnable: Bool = true,
                leaderImbalanceCheckInterval: Duration = .seconds(300), leaderImbalancePerBrokerPercentage: Int = 10,
                connectionFailureDetection: Bool = true) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.rack = rack
        self.etcdEndpoints = etcdEndpoints
        self.layout = layout
        self.sessionTimeoutMilliseconds = sessionTimeoutMilliseconds
        self.incarnation = incarnation
        self.controlledShutdownTimeout = controlledShutdownTimeout
        self.defaultPolicy = defaultPolicy
        self.autoLeaderRebalanceEnable = autoLeaderRebalanceEnable
        self.leaderImbalanceCheckInterval = leaderImbalanceCheckInterval
        self.leaderImbalancePerBrokerPercentage = leaderImbalancePerBrokerPercentage
        self.connectionFailureDetection = connectionFailureDetection
    }

    /// The lease TTL asked of etcd: the session timeout rounded up to whole seconds (etcd counts
    /// lease TTLs in seconds). etcd raises it to its minimum, 1.5 × its election timeout rounded
    /// up: 2 s with etcd's defaults (100 ms heartbeat, 1 s election timeout), 1 s with e.g.
    /// `--heartbeat-interval 50 --election-timeout 500`. With the 1500 ms default the lease lives
    /// 2 s; `LeaseKeeper` refreshes every TTL/3, so a killed broker's lease ends 1.3–2 s after its
    /// last refresh, plus up to 0.5 s until etcd's expiry check runs (measured in
    /// `ClusterMemberTests`: new leaders announced 2.0–2.4 s after a member stopped).
    public var leaseTTLSeconds: Int64 {
        max(1, (sessionTimeoutMilliseconds + 999) / 1000)
    }

    var registration: BrokerRegistration {
        BrokerRegistration(id: nodeId, host: host, port: port, rack: rack, incarnation: incarnation)
    }
}
