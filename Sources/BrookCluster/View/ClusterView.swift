/// What the routing answers (Metadata, DescribeTopicPartitions, FindCoordinator, DescribeCluster)
/// say about the cluster: the live brokers, the controller, and each partition's leader and replicas.
/// A snapshot value: a handler reads one view and answers from it, so one answer is consistent.
/// A single node is `singleNode`, which leads every partition it has; a cluster view is built from
/// the metadata store's records and replaced as they change.
public struct ClusterView: Sendable, Hashable {
    /// Live brokers, by node id.
    public private(set) var brokers: [BrokerEndpoint]
    /// The active controller's node id; -1 while there is none.
    public var controllerId: Int32
    /// Routing per topic, indexed by partition.
    public var partitions: [String: [PartitionRouting]]
    /// The answer for a partition not in `partitions` (a single node: itself); nil: unknown.
    public var unlisted: PartitionRouting?

    public init(brokers: [BrokerEndpoint], controllerId: Int32, partitions: [String: [PartitionRouting]] = [:],
                unlisted: PartitionRouting? = nil) {
        self.brokers = brokers.sorted { $0.nodeId < $1.nodeId }
        self.controllerId = controllerId
        self.partitions = partitions
        self.unlisted = unlisted
    }

    /// One broker that is the controller and the sole replica and leader of every partition.
    public static func singleNode(_ endpoint: BrokerEndpoint) -> ClusterView {
        ClusterView(brokers: [endpoint], controllerId: endpoint.nodeId, unlisted: .soleReplica(endpoint.nodeId))
    }

    /// The live broker with this id.
    public func broker(_ nodeId: Int32) -> BrokerEndpoint? {
        brokers.first { $0.nodeId == nodeId }
    }

    /// The routing of `partition` of `topic`, nil when the view does not know it.
    public func routing(topic: String, partition: Int32) -> PartitionRouting? {
        if let listed = partitions[topic] {
            return partition >= 0 && Int(partition) < listed.count ? listed[Int(partition)] : nil
        }
        return unlisted
    }

    /// The live broker leading `partition` of `topic`, nil when it has no live leader.
    public func leader(topic: String, partition: Int32) -> BrokerEndpoint? {
        routing(topic: topic, partition: partition).flatMap { broker($0.leader) }
    }
}
