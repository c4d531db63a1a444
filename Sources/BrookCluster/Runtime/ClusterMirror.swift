import BrookStorage

/// This broker's copy of the cluster's records in etcd, kept current from the store's watch: live
/// brokers, the controller, topics and partition states, each with the version it was seen at.
/// Sans-IO: the member feeds it changes and reads views from it.
struct ClusterMirror: Sendable {
    var brokers: [Int32: Versioned<BrokerRegistration>] = [:]
    var controller: Versioned<EtcdControllerClaim>?
    var controllerEpoch: Int64 = 0
    var topics: [String: TopicMetadataRecord] = [:]
    var partitions: [TopicPartition: Versioned<PartitionLeadershipState>] = [:]

    init() {}

    init(_ snapshot: EtcdMetadataChangeTracker.Snapshot) {
        brokers = snapshot.brokers
        controller = snapshot.controller
        controllerEpoch = snapshot.controllerEpoch
        topics = snapshot.topics
        for (key, state) in snapshot.partitions {
            partitions[TopicPartition(topic: key.topic, partition: key.index)] = state
        }
    }

    /// Applies one watch change. A put older than what is known (a change published before this
    /// mirror's read, delivered after it) is ignored.
    mutating func apply(_ change: EtcdClusterStateChange) {
        switch change {
        case .broker(let id, let registration):
            if let registration, let known = brokers[id], registration.version < known.version { return }
            brokers[id] = registration
        case .controller(let claim):
            if let claim, let known = controller, claim.version < known.version { return }
            controller = claim
        case .controllerEpoch(let epoch):
            controllerEpoch = max(controllerEpoch, epoch)
        case .partition(let topic, let index, let state):
            let partition = TopicPartition(topic: topic, partition: index)
            if let state, let known = partitions[partition], state.version < known.version { return }
            partitions[partition] = state
        }
    }

    mutating func apply(_ change: MetadataChange) {
        switch change {
        case .topicCreated(let record), .topicUpdated(let record):
            if let known = topics[record.name], record.version < known.version { return }
            topics[record.name] = record
        case .topicDeleted(let name, _):
            topics[name] = nil
            for partition in partitions.keys where partition.topic == name { partitions[partition] = nil }
        case .dynamicBrokerConfigsChanged:
            break
        }
    }

    /// Whether `registration` is the live one for its id.
    func isRegistered(_ registration: BrokerRegistration) -> Bool {
        brokers[registration.id]?.value.incarnation == registration.incarnation
    }

    /// What the controller decides from (departure facts are added by the caller).
    func controllerSnapshot(defaultPolicy: TopicElectionPolicy) -> ControllerSnapshot {
        var snapshot = ControllerSnapshot()
        for (id, registration) in brokers { snapshot.liveBrokers[id] = registration.value }
        for (name, record) in topics { snapshot.topics[name] = Self.controllerTopic(record, defaultPolicy: defaultPolicy) }
        for (partition, state) in partitions where topics[partition.topic] != nil {
            snapshot.partitions[partition] = state.value
        }
        return snapshot
    }

    /// The routing view: built from the same records every broker sees.
    func view(defaultPolicy: TopicElectionPolicy) -> ClusterView {
        controllerSnapshot(defaultPolicy: defaultPolicy).clusterView(controllerId: controller?.value.brokerId ?? -1)
    }

    /// A topic record as the controller reads it: assignments, and the election policy from its
    /// config overrides (Kafka's names), else the broker defaults.
    static func controllerTopic(_ record: TopicMetadataRecord, defaultPolicy: TopicElectionPolicy) -> ControllerTopic {
        let policy = defaultPolicy.overridden(by: record.configs)
        return ControllerTopic(assignments: record.replicaAssignment.map(PartitionAssignment.init(replicas:)), policy: policy)
    }
}
