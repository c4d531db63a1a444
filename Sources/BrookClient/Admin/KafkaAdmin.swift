import BrookProtocol
import Logging

/// Cluster administration: topics, partitions, configs, consumer groups and their offsets, record
/// deletion and the cluster description. Each call returns once the broker answered; per-item
/// failures in batch calls come back as `Result`s so one bad topic does not hide the others.
public final class KafkaAdmin: Sendable {
    let cluster: KafkaCluster
    let logger: Logger
    private let ownsCluster: Bool

    /// An admin client with its own connections.
    public convenience init(config: ClientConfig) {
        self.init(cluster: KafkaCluster(config: config), ownsCluster: true)
    }

    /// An admin client sharing `cluster`; closing it leaves the cluster open.
    public convenience init(cluster: KafkaCluster) {
        self.init(cluster: cluster, ownsCluster: false)
    }

    private init(cluster: KafkaCluster, ownsCluster: Bool) {
        self.cluster = cluster
        self.ownsCluster = ownsCluster
        var logger = cluster.logger
        logger[metadataKey: "brook.component"] = "admin"
        self.logger = logger
    }

    var timeout: Duration { cluster.config.defaultApiTimeout }

    /// Runs `body` with retries on retriable errors until the default API timeout.
    func retrying<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withRetries(what, timeout: timeout, backoff: cluster.backoff, logger: logger, body)
    }

    /// Closes the connections when this client owns them.
    public func close() async {
        if ownsCluster { await cluster.close() }
    }

    // MARK: Cluster

    /// Cluster id, controller and brokers (DescribeCluster when the broker has it, else Metadata).
    public func describeCluster() async throws -> ClusterDescription {
        let cluster = self.cluster
        return try await retrying("describe cluster") {
            let connection = try await cluster.anyConnection()
            if let version = connection.apiVersions.version(for: .describeCluster) {
                let response = try await connection.send(DescribeClusterRequest(), version: version)
                try KafkaClientError.check(response.errorCode, message: response.errorMessage, context: "describe cluster")
                return ClusterDescription(
                    clusterId: response.clusterId, controllerId: response.controllerId,
                    brokers: response.brokers.map {
                        .init(nodeId: $0.brokerId, address: BrokerAddress(host: $0.host, port: Int($0.port)), rack: $0.rack)
                    }.sorted { $0.nodeId < $1.nodeId })
            }
            let metadata = try await cluster.refreshMetadata(topics: [])
            return ClusterDescription(
                clusterId: metadata.clusterId, controllerId: metadata.controllerId,
                brokers: metadata.brokers.values.sorted { $0.nodeId < $1.nodeId })
        }
    }

    /// Offsets by spec (earliest, latest, timestamp) per partition.
    public func listOffsets(_ specs: [TopicPartition: OffsetSpec], isolation: IsolationLevel = .readUncommitted) async throws -> [TopicPartition: Int64] {
        let cluster = self.cluster
        return try await retrying("list offsets") {
            try await OffsetLookup.listOffsets(specs, isolation: isolation, cluster: cluster)
        }
    }

    /// Deletes records before the given offset per partition (-1: up to the high watermark);
    /// returns each partition's new log start offset.
    public func deleteRecords(_ before: [TopicPartition: Int64]) async throws -> [TopicPartition: Result<Int64, KafkaClientError>] {
        let metadata = try await cluster.refreshMetadata(topics: Array(Set(before.keys.map(\.topic))).sorted())
        var byLeader: [Int32: [TopicPartition]] = [:]
        var results: [TopicPartition: Result<Int64, KafkaClientError>] = [:]
        for partition in before.keys {
            if let leader = metadata.leader(for: partition) {
                byLeader[leader, default: []].append(partition)
            } else {
                results[partition] = .failure(.server(.unknownTopicOrPartition, message: nil, context: "delete records of \(partition)"))
            }
        }
        for (leader, partitions) in byLeader.sorted(by: { $0.key < $1.key }) {
            let connection = try await cluster.connection(to: leader)
            let request = DeleteRecordsRequest(
                topics: Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }.map { topic, list in
                    .init(name: topic, partitions: list.sorted().map { .init(partitionIndex: $0.partition, offset: before[$0]!) })
                },
                timeoutMs: timeout.millisInt32)
            let response = try await connection.send(request)
            for topic in response.topics {
                for entry in topic.partitions {
                    let partition = TopicPartition(topic.name, entry.partitionIndex)
                    results[partition] = entry.errorCode == 0
                        ? .success(entry.lowWatermark)
                        : .failure(.server(ErrorCode(rawValue: entry.errorCode) ?? .unknownServerError, message: nil, context: "delete records of \(partition)"))
                }
            }
        }
        return results
    }
}
