import BrookCoordination

/// The internal `__consumer_offsets` topic: where group metadata and committed offsets live.
enum OffsetsTopic {
    static let name = "__consumer_offsets"

    /// Topic configs Kafka gives it: compacted, 100 MiB segments (`offsets.topic.segment.bytes`).
    static let configs: [String: String] = ["cleanup.policy": "compact", "segment.bytes": "104857600"]

    /// Opens the topic, creating it with `offsets.topic.num.partitions` partitions on first start.
    static func openOrCreate(in topics: TopicRegistry, config: GroupCoordinatorConfig) throws -> Topic {
        if let existing = topics.topic(named: name) { return existing }
        do {
            if let created = try topics.createTopic(name: name, partitions: config.offsetsTopicPartitions, replicationFactor: 1,
                                                    configs: configs, validateOnly: false) {
                return created
            }
        } catch .alreadyExists {
            if let existing = topics.topic(named: name) { return existing }
        }
        throw TopicCreationError.storage("could not create \(name)")
    }
}
