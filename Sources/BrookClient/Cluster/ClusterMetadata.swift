import BrookProtocol

/// A snapshot of what the cluster told us in Metadata: brokers, controller, topics and leaders.
public struct ClusterMetadata: Sendable, Equatable {
    /// One broker.
    public struct Broker: Sendable, Equatable, Hashable {
        public var nodeId: Int32
        public var address: BrokerAddress
        public var rack: String?
    }

    /// One partition: its leader (-1 when none) and replicas.
    public struct Partition: Sendable, Equatable {
        public var id: Int32
        public var leader: Int32
        public var leaderEpoch: Int32
        public var replicas: [Int32]
        public var isr: [Int32]
        public var offlineReplicas: [Int32]
        public var errorCode: ErrorCode
    }

    /// One topic, partitions sorted by id.
    public struct Topic: Sendable, Equatable {
        public var name: String
        public var topicId: KafkaUUID
        public var isInternal: Bool
        public var partitions: [Partition]
        public var errorCode: ErrorCode
    }

    public var clusterId: String?
    public var controllerId: Int32
    public var brokers: [Int32: Broker]
    public var topics: [String: Topic]

    public init(clusterId: String? = nil, controllerId: Int32 = -1, brokers: [Int32: Broker] = [:], topics: [String: Topic] = [:]) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
    }

    init(_ response: MetadataResponse) {
        var brokers: [Int32: Broker] = [:]
        for broker in response.brokers {
            brokers[broker.nodeId] = Broker(
                nodeId: broker.nodeId, address: BrokerAddress(host: broker.host, port: Int(broker.port)), rack: broker.rack)
        }
        var topics: [String: Topic] = [:]
        for topic in response.topics {
            guard let name = topic.name else { continue }
            let partitions = topic.partitions.map {
                Partition(
                    id: $0.partitionIndex, leader: $0.leaderId, leaderEpoch: $0.leaderEpoch, replicas: $0.replicaNodes,
                    isr: $0.isrNodes, offlineReplicas: $0.offlineReplicas,
                    errorCode: ErrorCode(rawValue: $0.errorCode) ?? .unknownServerError)
            }.sorted { $0.id < $1.id }
            topics[name] = Topic(
                name: name, topicId: topic.topicId, isInternal: topic.isInternal, partitions: partitions,
                errorCode: ErrorCode(rawValue: topic.errorCode) ?? .unknownServerError)
        }
        self.init(clusterId: response.clusterId, controllerId: response.controllerId, brokers: brokers, topics: topics)
    }

    /// Folds a newer answer in: brokers and controller are replaced, topics it mentions are replaced,
    /// others are kept.
    mutating func merge(_ newer: ClusterMetadata) {
        clusterId = newer.clusterId ?? clusterId
        controllerId = newer.controllerId
        if !newer.brokers.isEmpty { brokers = newer.brokers }
        for (name, topic) in newer.topics { topics[name] = topic }
    }

    /// The leader of `partition`, when known and alive.
    public func leader(for partition: TopicPartition) -> Int32? {
        guard let topic = topics[partition.topic], topic.errorCode == .none,
              let entry = topic.partitions.first(where: { $0.id == partition.partition }), entry.leader >= 0
        else { return nil }
        return entry.leader
    }

    /// The number of partitions of `topic`, when it exists without error.
    public func partitionCount(of topic: String) -> Int? {
        guard let entry = topics[topic], entry.errorCode == .none, !entry.partitions.isEmpty else { return nil }
        return entry.partitions.count
    }
}
