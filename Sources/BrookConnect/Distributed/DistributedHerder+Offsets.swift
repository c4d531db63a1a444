import BrookClient
import BrookSchemas

/// `GET|PATCH|DELETE /connectors/{c}/offsets` (KIP-875): a source connector's offsets in
/// `connect-offsets`; a sink connector's are its consumer group's (`connect-<name>`) committed offsets.
extension DistributedHerder: ConnectOffsetsHerder {
    /// Kafka's `SinkUtils.consumerGroupId`.
    static func sinkGroup(_ connector: String) -> String { "connect-" + connector }

    public func connectorOffsets(_ name: String) async throws -> [ConnectorOffset] {
        let type = try connectorInfo(name).type
        try await activate()
        if type == .sink {
            let committed = try await KafkaAdmin(cluster: cluster).listGroupOffsets(Self.sinkGroup(name))
            return committed.sorted { $0.key < $1.key }.filter { $0.value >= 0 }.map {
                ConnectorOffset(partition: .object([("kafka_topic", .string($0.key.topic)),
                                                    ("kafka_partition", JSONValue(integer: Int64($0.key.partition)))]),
                                offset: .object([("kafka_offset", JSONValue(integer: $0.value))]))
            }
        }
        return try await offsetStore.offsets(connector: name).map { ConnectorOffset(partition: $0.partition, offset: $0.offset) }
    }

    public func alterConnectorOffsets(_ name: String, _ offsets: [ConnectorOffset]) async throws {
        let type = try requireStopped(name)
        try await activate()
        guard !offsets.isEmpty else { throw ConnectRESTError.badRequest("Partitions / offsets need to be provided for an alter offsets request") }
        if type == .sink {
            var commits: [TopicPartition: Int64] = [:]
            for entry in offsets {
                guard let topic = entry.partition["kafka_topic"]?.stringValue,
                      let partition = entry.partition["kafka_partition"]?.int64Value, let narrow = Int32(exactly: partition), narrow >= 0 else {
                    throw ConnectRESTError.badRequest("Partitions for sink connectors need kafka_topic and kafka_partition keys: \(entry.partition.compactText)")
                }
                guard let offset = entry.offset?["kafka_offset"]?.int64Value, offset >= 0 else {
                    throw ConnectRESTError.badRequest("Offsets for sink connectors need a kafka_offset of 0 or more (resetting single partitions is not supported: DELETE resets all)")
                }
                commits[TopicPartition(topic, narrow)] = offset
            }
            try await KafkaAdmin(cluster: cluster).alterGroupOffsets(Self.sinkGroup(name), commits)
            return
        }
        try await offsetStore.write(offsets.map { ConnectOffsetRecord(connector: name, partition: $0.partition, offset: $0.offset) })
    }

    public func resetConnectorOffsets(_ name: String) async throws {
        let type = try requireStopped(name)
        try await activate()
        if type == .sink {
            let results = try await KafkaAdmin(cluster: cluster).deleteGroups([Self.sinkGroup(name)])
            if case .failure(let error) = results[Self.sinkGroup(name)], error.errorCode != .groupIdNotFound { throw error }
            return
        }
        let current = try await offsetStore.offsets(connector: name)
        try await offsetStore.write(current.map { ConnectOffsetRecord(connector: name, partition: $0.partition, offset: nil) })
    }

    /// Kafka's rule: offsets change only while the connector is STOPPED (no tasks hold them).
    private func requireStopped(_ name: String) throws -> ConnectorType {
        let info = try connectorInfo(name)
        guard configs.targetStates[name] == .stopped else {
            throw ConnectRESTError.badRequest("Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/\(name)/stop' endpoint")
        }
        return info.type
    }
}
