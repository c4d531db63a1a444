import BrookProtocol

extension KafkaAdmin {
    /// Every topic the cluster has (internal ones only when asked), sorted by name.
    public func listTopics(includeInternal: Bool = false) async throws -> [TopicDescription] {
        let metadata = try await cluster.refreshMetadata(topics: nil)
        return metadata.topics.values
            .filter { includeInternal || !$0.isInternal }
            .map(Self.describe)
            .sorted { $0.name < $1.name }
    }

    /// `topics` as Metadata describes them; a missing topic is a `.failure(UNKNOWN_TOPIC_OR_PARTITION)`.
    public func describeTopics(_ topics: [String]) async throws -> [String: Result<TopicDescription, KafkaClientError>] {
        let metadata = try await cluster.refreshMetadata(topics: topics, allowAutoCreation: false)
        var out: [String: Result<TopicDescription, KafkaClientError>] = [:]
        for name in topics {
            guard let topic = metadata.topics[name] else {
                out[name] = .failure(.server(.unknownTopicOrPartition, message: nil, context: "describe topic \(name)"))
                continue
            }
            out[name] = topic.errorCode == .none
                ? .success(Self.describe(topic))
                : .failure(.server(topic.errorCode, message: nil, context: "describe topic \(name)"))
        }
        return out
    }

    static func describe(_ topic: ClusterMetadata.Topic) -> TopicDescription {
        TopicDescription(
            name: topic.name, topicId: topic.topicId, isInternal: topic.isInternal,
            partitions: topic.partitions.map {
                .init(id: $0.id, leader: $0.leader, replicas: $0.replicas, isr: $0.isr, offlineReplicas: $0.offlineReplicas)
            })
    }

    /// Creates topics on the controller; per-topic outcome.
    public func createTopics(_ topics: [NewTopic], validateOnly: Bool = false) async throws -> [String: Result<Void, KafkaClientError>] {
        let cluster = self.cluster
        let timeoutMs = timeout.millisInt32
        let response = try await retrying("create topics") {
            let connection = try await cluster.controllerConnection()
            let request = CreateTopicsRequest(
                topics: topics.map { topic in
                    .init(name: topic.name, numPartitions: topic.partitions, replicationFactor: topic.replicationFactor,
                          configs: topic.configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })
                },
                timeoutMs: timeoutMs, validateOnly: validateOnly)
            return try await connection.send(request)
        }
        var out: [String: Result<Void, KafkaClientError>] = [:]
        for result in response.topics {
            out[result.name] = result.errorCode == 0
                ? .success(())
                : .failure(.server(ErrorCode(rawValue: result.errorCode) ?? .unknownServerError, message: result.errorMessage, context: "create topic \(result.name)"))
        }
        _ = try? await cluster.refreshMetadata(topics: topics.map(\.name))
        return out
    }

    /// Deletes topics on the controller; per-topic outcome.
    public func deleteTopics(_ names: [String]) async throws -> [String: Result<Void, KafkaClientError>] {
        let cluster = self.cluster
        let timeoutMs = timeout.millisInt32
        let response = try await retrying("delete topics") {
            let connection = try await cluster.controllerConnection()
            let version = try connection.version(for: .deleteTopics)
            let request = version >= 6
                ? DeleteTopicsRequest(topics: names.map { .init(name: $0, topicId: .zero) }, timeoutMs: timeoutMs)
                : DeleteTopicsRequest(topicNames: names, timeoutMs: timeoutMs)
            return try await connection.send(request, version: version)
        }
        var out: [String: Result<Void, KafkaClientError>] = [:]
        for result in response.responses {
            let name = result.name ?? result.topicId.description
            out[name] = result.errorCode == 0
                ? .success(())
                : .failure(.server(ErrorCode(rawValue: result.errorCode) ?? .unknownServerError, message: result.errorMessage, context: "delete topic \(name)"))
        }
        return out
    }

    /// Raises topics' partition counts to the totals given; per-topic outcome.
    public func createPartitions(_ totals: [String: Int32], validateOnly: Bool = false) async throws -> [String: Result<Void, KafkaClientError>] {
        let cluster = self.cluster
        let timeoutMs = timeout.millisInt32
        let response = try await retrying("create partitions") {
            let connection = try await cluster.controllerConnection()
            let request = CreatePartitionsRequest(
                topics: totals.sorted { $0.key < $1.key }.map { .init(name: $0.key, count: $0.value, assignments: nil) },
                timeoutMs: timeoutMs, validateOnly: validateOnly)
            return try await connection.send(request)
        }
        var out: [String: Result<Void, KafkaClientError>] = [:]
        for result in response.results {
            out[result.name] = result.errorCode == 0
                ? .success(())
                : .failure(.server(ErrorCode(rawValue: result.errorCode) ?? .unknownServerError, message: result.errorMessage, context: "add partitions to \(result.name)"))
        }
        _ = try? await cluster.refreshMetadata(topics: Array(totals.keys))
        return out
    }

    // MARK: Configs

    /// The config entries of `resource` (all, or only `keys`), defaults included, sorted by name.
    public func describeConfigs(_ resource: ConfigResource, keys: [String]? = nil) async throws -> [ConfigEntry] {
        let cluster = self.cluster
        let response = try await retrying("describe configs") {
            let connection: BrokerConnection
            if case .broker(let id) = resource {
                connection = try await cluster.connection(to: id)
            } else {
                connection = try await cluster.anyConnection()
            }
            let request = DescribeConfigsRequest(resources: [
                .init(resourceType: resource.type, resourceName: resource.name, configurationKeys: keys)
            ])
            return try await connection.send(request)
        }
        guard let result = response.results.first else {
            throw KafkaClientError.protocolViolation("DescribeConfigs answered no resource")
        }
        try KafkaClientError.check(result.errorCode, message: result.errorMessage, context: "describe configs of \(resource.name)")
        return result.configs.map { entry in
            var source = ConfigSource(rawValue: entry.configSource) ?? .unknown
            if entry.configSource == -1 { source = entry.isDefault ? .defaultConfig : .unknown }
            return ConfigEntry(name: entry.name, value: entry.value, source: source, isReadOnly: entry.readOnly, isSensitive: entry.isSensitive)
        }.sorted { $0.name < $1.name }
    }

    /// Changes configs of `resource` with IncrementalAlterConfigs.
    public func alterConfigs(_ resource: ConfigResource, _ changes: [ConfigChange], validateOnly: Bool = false) async throws {
        let cluster = self.cluster
        let response = try await retrying("alter configs") {
            let connection: BrokerConnection
            if case .broker(let id) = resource {
                connection = try await cluster.connection(to: id)
            } else {
                connection = try await cluster.controllerConnection()
            }
            let request = IncrementalAlterConfigsRequest(
                resources: [.init(resourceType: resource.type, resourceName: resource.name, configs: changes.map(\.wire))],
                validateOnly: validateOnly)
            return try await connection.send(request)
        }
        guard let result = response.responses.first else {
            throw KafkaClientError.protocolViolation("IncrementalAlterConfigs answered no resource")
        }
        try KafkaClientError.check(result.errorCode, message: result.errorMessage, context: "alter configs of \(resource.name)")
    }
}
