import BrookCluster
import BrookStorage

/// Who holds the replicas of partitions this broker creates (CreateTopics, CreatePartitions, the
/// internal topics). A single node holds every replica itself; a cluster member places them over
/// the live brokers of its current view with `ReplicaPlacement` (leaders and replicas spread evenly,
/// rack-aware when every broker has `broker.rack`). The store's create-if-absent makes the first
/// writer win; the controller then elects leaders from the stored record.
public enum ReplicaAssigner: Sendable {
    case singleNode(Int32)
    case cluster(@Sendable () -> ClusterView)

    /// Whether partitions are replicated by a cluster (they then start with no role until told one).
    public var isCluster: Bool {
        if case .cluster = self { return true }
        return false
    }

    /// Replica lists for `partitions` new partitions of `replicationFactor` replicas each.
    func assign(partitions: Int32, replicationFactor: Int16) -> Result<[[Int32]], TopicCreationError> {
        guard partitions > 0 else { return .failure(.invalidPartitions("Number of partitions must be larger than 0.")) }
        guard replicationFactor > 0 else {
            return .failure(.invalidReplicationFactor("Replication factor must be larger than 0."))
        }
        switch self {
        case .singleNode(let node):
            guard replicationFactor <= 1 else {
                return .failure(.invalidReplicationFactor("Unable to replicate the partition \(replicationFactor) time(s): The target replication factor of \(replicationFactor) cannot be reached because only 1 broker(s) are registered."))
            }
            return .success(Array(repeating: [node], count: Int(partitions)))
        case .cluster(let currentView):
            let view = currentView()
            let brokers = view.brokers.map {
                BrokerRegistration(id: $0.nodeId, host: $0.host, port: $0.port, rack: $0.rack, incarnation: 0)
            }
            guard Int(replicationFactor) <= brokers.count else {
                // Kafka's wording (KRaft's ReplicaPlacer).
                return .failure(.invalidReplicationFactor("Unable to replicate the partition \(replicationFactor) time(s): The target replication factor of \(replicationFactor) cannot be reached because only \(brokers.count) broker(s) are registered."))
            }
            let existing = view.partitions.values.flatMap { $0.map { PartitionAssignment(replicas: $0.replicas) } }
            var placement = ReplicaPlacement(brokers: brokers, existing: existing)
            switch placement.place(partitions: Int(partitions), replicationFactor: Int(replicationFactor),
                                   startIndex: Int.random(in: 0..<max(1, brokers.count))) {
            case .success(let placed): return .success(placed.map(\.replicas))
            case .failure(.invalidPartitions(let message)): return .failure(.invalidPartitions(message))
            case .failure(.invalidReplicationFactor(let message)): return .failure(.invalidReplicationFactor(message))
            case .failure(let error): return .failure(.invalidReplicationFactor("\(error)"))
            }
        }
    }

    /// The brokers replicas may be placed on: this node, or the registered brokers of the view.
    var liveBrokers: Set<Int32> {
        switch self {
        case .singleNode(let node): return [node]
        case .cluster(let currentView): return Set(currentView().brokers.map(\.nodeId))
        }
    }

    /// Explicit replica lists (CreateTopics / CreatePartitions with assignments), checked as Kafka's
    /// controller checks them: every broker registered and named once, the same count for every
    /// partition (and as `replicationFactor`, when the topic has one already).
    func validate(manual: [[Int32]], replicationFactor: Int?) -> Result<[[Int32]], TopicCreationError> {
        let live = liveBrokers
        let factor = replicationFactor ?? manual.first?.count
        for replicas in manual {
            if let problem = ReplicaAssignmentValidation.check(replicas, liveBrokers: live, replicationFactor: factor),
               case .invalidReplicaAssignment(let message) = problem {
                return .failure(.invalidReplicaAssignment(message))
            }
        }
        return .success(manual)
    }

    /// The replica lists of `topic`'s first `partitions` partitions as this broker knows them.
    func currentAssignment(of topic: String, partitions: Int32) -> [[Int32]] {
        switch self {
        case .singleNode(let node):
            return Array(repeating: [node], count: Int(max(0, partitions)))
        case .cluster(let currentView):
            let view = currentView()
            return (0..<max(0, partitions)).map { view.routing(topic: topic, partition: $0)?.replicas ?? [] }
        }
    }

    /// The replication factor new partitions of an existing topic get: that of its first partition.
    func replicationFactor(of topic: String) -> Int16 {
        Int16(clamping: max(1, currentAssignment(of: topic, partitions: 1).first?.count ?? 1))
    }
}
