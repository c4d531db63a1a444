import BrookProtocol
import NIOCore

/// CreateTopics (19), versions 0–7: creates topics with a partition count and replication factor
/// (placed by `ReplicaAssigner`) or explicit replica assignments, and config overrides;
/// validate_only (v1+) checks without creating. As in Kafka's KRaft controller,
/// -1 partitions or replication factor take the broker defaults at every version (clients only send
/// them from v4).
enum CreateTopicsHandler {
    static let handler = ApiHandler.make(CreateTopicsRequest.self, versions: 0...7) { request, context in
        // The metadata store is written off the event loop.
        context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    private static func respond(to request: CreateTopicsRequest, broker: Broker) async -> (any KafkaMessage)? {
        var response = CreateTopicsResponse()
        response.throttleTimeMs = 0
        var seen: [String: Int] = [:]
        for requested in request.topics { seen[requested.name, default: 0] += 1 }
        for requested in request.topics {
            var result = CreateTopicsResponse.CreatableTopicResult(name: requested.name)
            result.topicConfigErrorCode = 0
            if seen[requested.name, default: 0] > 1 {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Create topics request from client contains a duplicate topic: \(requested.name)"
                response.topics.append(result)
                continue
            }
            if !requested.assignments.isEmpty {
                if requested.numPartitions != -1 || requested.replicationFactor != -1 {
                    result.errorCode = ErrorCode.invalidRequest.rawValue
                    result.errorMessage = "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time."
                    response.topics.append(result)
                    continue
                }
                let numbered = requested.assignments.enumerated().allSatisfy { index, a in a.partitionIndex == Int32(index) }
                if !numbered {
                    // Kafka's wording (ReplicationControlManager).
                    result.errorCode = ErrorCode.invalidReplicaAssignment.rawValue
                    result.errorMessage = "Partitions should be numbered from 0 to n-1 in the replica assignment."
                    response.topics.append(result)
                    continue
                }
            }
            var configs: [String: String] = [:]
            for c in requested.configs { configs[c.name] = c.value }
            let manual = requested.assignments.isEmpty ? nil : requested.assignments.map(\.brokerIds)
            let partitions = manual.map { Int32($0.count) } ?? requested.numPartitions
            let factor = manual.map { Int16(clamping: $0.first?.count ?? 0) } ?? requested.replicationFactor
            do throws(TopicCreationError) {
                let topic = try await broker.topics.createTopic(name: requested.name, partitions: partitions,
                                                                replicationFactor: factor, configs: configs,
                                                                validateOnly: request.validateOnly, assignment: manual)
                result.errorCode = 0
                result.topicId = topic?.id ?? .zero
                result.numPartitions = partitions == -1 ? broker.config.numPartitions : partitions
                result.replicationFactor = factor == -1 ? broker.config.defaultReplicationFactor : factor
                // Every config of the new topic with its source, as DescribeConfigs reports it.
                result.configs = DescribeConfigsHandler.topicEntries(configs, broker: broker, synonyms: false,
                                                                     documentation: false).map {
                    .init(name: $0.name, value: $0.value, readOnly: $0.readOnly, configSource: $0.configSource,
                          isSensitive: $0.isSensitive)
                }
            } catch {
                result.errorCode = error.errorCode.rawValue
                result.errorMessage = error.message
                result.numPartitions = -1
                result.replicationFactor = -1
            }
            response.topics.append(result)
        }
        return response
    }
}
