import BrookProtocol

/// A partition's reassignment in flight (ListPartitionReassignments).
public struct PartitionReassignment: Sendable, Equatable {
    /// The replica set while it runs: the target, then the replicas being removed.
    public var replicas: [Int32]
    public var adding: [Int32]
    public var removing: [Int32]

    public init(replicas: [Int32], adding: [Int32], removing: [Int32]) {
        self.replicas = replicas
        self.adding = adding
        self.removing = removing
    }
}

extension KafkaAdmin {
    /// Moves partitions to new replica sets (KIP-455), or cancels a move in flight (nil). Sent to
    /// the controller; per-partition outcome. The move itself completes later, once the new
    /// replicas are in sync (`partitionReassignments` lists it until then).
    public func alterPartitionReassignments(_ targets: [TopicPartition: [Int32]?]) async throws
        -> [TopicPartition: Result<Void, KafkaClientError>] {
        let byTopic = Dictionary(grouping: targets.keys.sorted(), by: \.topic)
        let request = AlterPartitionReassignmentsRequest(
            timeoutMs: timeout.millisInt32,
            topics: byTopic.keys.sorted().map { topic in
                .init(name: topic, partitions: (byTopic[topic] ?? []).map { .init(partitionIndex: $0.partition, replicas: targets[$0] ?? nil) })
            })
        let response = try await onController("alter partition reassignments") { connection in
            let response = try await connection.send(request)
            return (response, response.errorCode, response.errorMessage)
        }
        var out: [TopicPartition: Result<Void, KafkaClientError>] = [:]
        for topic in response.responses {
            for partition in topic.partitions {
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                out[tp] = partition.errorCode == 0
                    ? .success(())
                    : .failure(.server(ErrorCode(rawValue: partition.errorCode) ?? .unknownServerError,
                                       message: partition.errorMessage, context: "reassign \(tp)"))
            }
        }
        return out
    }

    /// The reassignments in flight, of `partitions` or (nil) of every partition.
    public func partitionReassignments(_ partitions: [TopicPartition]? = nil) async throws -> [TopicPartition: PartitionReassignment] {
        let byTopic = partitions.map { Dictionary(grouping: $0.sorted(), by: \.topic) }
        let request = ListPartitionReassignmentsRequest(
            timeoutMs: timeout.millisInt32,
            topics: byTopic.map { byTopic in
                byTopic.keys.sorted().map { .init(name: $0, partitionIndexes: (byTopic[$0] ?? []).map(\.partition)) }
            })
        let response = try await onController("list partition reassignments") { connection in
            let response = try await connection.send(request)
            return (response, response.errorCode, response.errorMessage)
        }
        var out: [TopicPartition: PartitionReassignment] = [:]
        for topic in response.topics {
            for partition in topic.partitions {
                out[TopicPartition(topic.name, partition.partitionIndex)] = PartitionReassignment(
                    replicas: partition.replicas, adding: partition.addingReplicas, removing: partition.removingReplicas)
            }
        }
        return out
    }

    /// Sends to the controller; NOT_CONTROLLER (the controller moved) refreshes the metadata and
    /// tries again within the API timeout.
    private func onController<Response: Sendable>(
        _ what: String, _ send: @escaping @Sendable (BrokerConnection) async throws -> (Response, Int16, String?)
    ) async throws -> Response {
        let cluster = self.cluster
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let (response, errorCode, message) = try await retrying(what) {
                try await send(try await cluster.controllerConnection())
            }
            if errorCode == ErrorCode.notController.rawValue, clock.now < deadline {
                _ = try? await cluster.refreshMetadata(topics: [])
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            try KafkaClientError.check(errorCode, message: message, context: what)
            return response
        }
    }
}

extension AlterPartitionReassignmentsRequest: KafkaRequest { public typealias Response = AlterPartitionReassignmentsResponse }
extension ListPartitionReassignmentsRequest: KafkaRequest { public typealias Response = ListPartitionReassignmentsResponse }
