import BrookProtocol

/// What ElectLeaders elects (Kafka's `ElectionType`).
public enum LeaderElectionType: Int8, Sendable, CaseIterable {
    /// The preferred (first) replica, when it is live and in sync.
    case preferred = 0
    /// Any live replica, possibly out of sync, for a partition with no leader (may lose records).
    case unclean = 1
}

extension KafkaAdmin {
    /// Asks the controller to elect leaders (ElectLeaders) for `partitions`, or for every partition
    /// when nil; then the answer lists only the partitions that needed an election. Per partition:
    /// success, or the broker's error (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ...).
    /// A NOT_CONTROLLER answer (the controller moved) is retried on the new controller.
    public func electLeaders(_ type: LeaderElectionType = .preferred, partitions: [TopicPartition]? = nil) async throws
        -> [TopicPartition: Result<Void, KafkaClientError>] {
        let cluster = self.cluster
        let timeoutMs = timeout.millisInt32
        let request = ElectLeadersRequest(
            electionType: type.rawValue,
            topicPartitions: partitions.map { list in
                Dictionary(grouping: list, by: \.topic).sorted { $0.key < $1.key }.map { topic, entries in
                    .init(topic: topic, partitions: entries.map(\.partition).sorted())
                }
            },
            timeoutMs: timeoutMs)
        let response = try await withRetries("elect leaders", timeout: timeout, backoff: cluster.backoff, logger: logger,
                                             beforeRetry: { _ in _ = try? await cluster.refreshMetadata(topics: []) }) {
            let connection = try await cluster.controllerConnection()
            let version = try connection.version(for: .electLeaders)
            if type != .preferred && version < 1 {
                throw KafkaClientError.unsupportedApi(.electLeaders, broker: "\(connection.address)")
            }
            let response = try await connection.send(request, version: version)
            let codes = [response.errorCode] + response.replicaElectionResults.flatMap { $0.partitionResult.map(\.errorCode) }
            if codes.contains(ErrorCode.notController.rawValue) {
                throw KafkaClientError.server(.notController, message: nil, context: "elect leaders")
            }
            try KafkaClientError.check(response.errorCode, message: nil, context: "elect leaders")
            return response
        }
        var out: [TopicPartition: Result<Void, KafkaClientError>] = [:]
        for topic in response.replicaElectionResults {
            for result in topic.partitionResult {
                let partition = TopicPartition(topic.topic, result.partitionId)
                out[partition] = result.errorCode == 0
                    ? .success(())
                    : .failure(.server(ErrorCode(rawValue: result.errorCode) ?? .unknownServerError, message: result.errorMessage,
                                       context: "elect leader of \(partition)"))
            }
        }
        return out
    }
}
