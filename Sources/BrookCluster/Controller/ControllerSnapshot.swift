import BrookStorage

/// The per-topic settings the controller's elections obey (topic override, else broker default).
public struct TopicElectionPolicy: Sendable, Hashable {
    /// `unclean.leader.election.enable` (Kafka default false).
    public var uncleanLeaderElection: Bool
    /// `min.insync.replicas` (Kafka default 1); decides when replicas leaving the ISR join the ELR.
    public var minInsyncReplicas: Int

    public init(uncleanLeaderElection: Bool = false, minInsyncReplicas: Int = 1) {
        self.uncleanLeaderElection = uncleanLeaderElection
        self.minInsyncReplicas = minInsyncReplicas
    }

    /// This policy with the overrides `configs` holds under Kafka's names
    /// (`unclean.leader.election.enable`, `min.insync.replicas`); others are ignored.
    public func overridden(by configs: [String: String]) -> TopicElectionPolicy {
        var policy = self
        if let unclean = configs["unclean.leader.election.enable"] {
            policy.uncleanLeaderElection = unclean.lowercased() == "true"
        }
        if let minInsync = configs["min.insync.replicas"].flatMap(Int.init) {
            policy.minInsyncReplicas = minInsync
        }
        return policy
    }
}

/// A topic as the controller sees it: replica assignments indexed by partition, and its policy.
public struct ControllerTopic: Sendable, Hashable {
    public var assignments: [PartitionAssignment]
    public var policy: TopicElectionPolicy

    public init(assignments: [PartitionAssignment], policy: TopicElectionPolicy = TopicElectionPolicy()) {
        self.assignments = assignments
        self.policy = policy
    }
}

/// Everything the controller decides from, as read from etcd (and kept current by its watch).
public struct ControllerSnapshot: Sendable, Hashable {
    /// Brokers whose lease is live, by id.
    public var liveBrokers: [Int32: BrokerRegistration]
    public var topics: [String: ControllerTopic]
    public var partitions: [TopicPartition: PartitionLeadershipState]
    /// Brokers gone after a granted controlled shutdown, so their logs are whole when they return
    /// (consumed by their next registration).
    public var cleanlyShutDown: Set<Int32>
    /// The incarnation each departed broker had: one that comes back with the same incarnation only
    /// lost its lease (a pause, a cut from etcd), it did not restart and lost nothing.
    public var departedIncarnations: [Int32: Int64]
    /// Brokers in controlled shutdown: they may not lead or join an ISR.
    public var shuttingDown: Set<Int32>

    public init(liveBrokers: [Int32: BrokerRegistration] = [:], topics: [String: ControllerTopic] = [:],
                partitions: [TopicPartition: PartitionLeadershipState] = [:], cleanlyShutDown: Set<Int32> = [],
                departedIncarnations: [Int32: Int64] = [:], shuttingDown: Set<Int32> = []) {
        self.liveBrokers = liveBrokers
        self.topics = topics
        self.partitions = partitions
        self.cleanlyShutDown = cleanlyShutDown
        self.departedIncarnations = departedIncarnations
        self.shuttingDown = shuttingDown
    }

    public func assignment(_ partition: TopicPartition) -> PartitionAssignment? {
        guard let topic = topics[partition.topic], partition.partition >= 0,
              Int(partition.partition) < topic.assignments.count else { return nil }
        return topic.assignments[Int(partition.partition)]
    }

    public func policy(_ topic: String) -> TopicElectionPolicy {
        topics[topic]?.policy ?? TopicElectionPolicy()
    }

    /// Whether `broker` may lead or join an ISR: live and not shutting down.
    public func isEligible(_ broker: Int32) -> Bool {
        liveBrokers[broker] != nil && !shuttingDown.contains(broker)
    }

    /// Every partition, in a stable order (topic name, then index) so decisions are deterministic.
    public var sortedPartitions: [TopicPartition] {
        partitions.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Partitions `broker` currently leads, in stable order.
    public func partitionsLed(by broker: Int32) -> [TopicPartition] {
        sortedPartitions.filter { partitions[$0]?.leader == broker }
    }
}
