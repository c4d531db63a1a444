/// The internal `__transaction_state` topic: where the transaction coordinator keeps its state.
enum TransactionStateTopic {
    static let name = "__transaction_state"

    /// Topic configs Kafka gives it: compacted, 100 MiB segments (`transaction.state.log.segment.bytes`).
    static let configs: [String: String] = ["cleanup.policy": "compact", "segment.bytes": "104857600"]

    /// Opens the topic, creating it with `partitions` partitions on first start.
    static func openOrCreate(in topics: TopicRegistry, partitions: Int32) throws -> Topic {
        if let existing = topics.topic(named: name) { return existing }
        do {
            if let created = try topics.createTopic(name: name, partitions: partitions, replicationFactor: 1,
                                                    configs: configs, validateOnly: false) {
                return created
            }
        } catch .alreadyExists {
            if let existing = topics.topic(named: name) { return existing }
        }
        throw TopicCreationError.storage("could not create \(name)")
    }
}
