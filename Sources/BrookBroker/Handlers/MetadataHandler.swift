import BrookCluster
import BrookProtocol
import NIOCore

/// Metadata (3): the live brokers, the cluster id, and the requested topics (auto-created when
/// allowed) with their leaders and replicas, from the broker's `ClusterView`.
enum MetadataHandler {
    /// Kafka's "authorized operations not requested" sentinel.
    static let operationsNotRequested = Int32.min

    static let handler = ApiHandler.make(MetadataRequest.self, versions: 0...12) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let missing = topicsToAutoCreate(request, version: version, broker: broker)
        if missing.isEmpty {
            return context.eventLoop.makeSucceededFuture(respond(to: request, version: version, broker: broker, created: [:]))
        }
        // Auto-creation writes the metadata store, off the event loop.
        return context.eventLoop.makeFutureWithTask {
            var created: [String: Result<Topic, TopicCreationError>?] = [:]
            for name in missing { created[name] = await broker.topics.topicOrAutoCreate(name, allowed: true) }
            return respond(to: request, version: version, broker: broker, created: created)
        }
    }

    /// The requested names that auto-creation applies to: no such topic, a valid name, not internal,
    /// and creation allowed by the request (before v4 requests always allow it) and the broker.
    private static func topicsToAutoCreate(_ request: MetadataRequest, version: Int16, broker: Broker) -> [String] {
        guard version < 4 || request.allowAutoTopicCreation, broker.config.autoCreateTopics,
              let requested = request.topics, !(version == 0 && requested.isEmpty) else { return [] }
        var names: [String] = []
        for name in Set(requested.compactMap(\.name)).sorted()
        where !name.hasPrefix("__") && broker.topics.topic(named: name) == nil && !broker.topics.isReserved(name)
            && TopicNameValidator.problem(with: name) == nil {
            names.append(name)
        }
        return names
    }

    /// `created`: the outcome of auto-creating the topics named in it.
    private static func respond(to request: MetadataRequest, version: Int16, broker: Broker,
                                created: [String: Result<Topic, TopicCreationError>?]) -> MetadataResponse {
        var response = MetadataResponse()
        let view = broker.clusterView
        response.brokers = view.brokers.map { .init(nodeId: $0.nodeId, host: $0.host, port: $0.port, rack: $0.rack) }
        response.clusterId = broker.identity.clusterId
        response.controllerId = view.controllerId
        response.clusterAuthorizedOperations = operationsNotRequested

        // v0: an empty list means all topics; v1+: null means all, empty means none.
        let wantsAll = request.topics == nil || (version == 0 && request.topics?.isEmpty == true)
        if wantsAll {
            // Internal topics (__consumer_offsets) are listed only when asked for by name.
            response.topics = broker.topics.allTopics.filter { !$0.isInternal }.map { describe($0, view: view) }
        } else {
            var seen = Set<String>()
            for requested in request.topics ?? [] {
                guard let name = requested.name else {
                    // Lookup by topic id (v10+).
                    if let topic = broker.topics.allTopics.first(where: { $0.id == requested.topicId }) {
                        response.topics.append(describe(topic, view: view))
                    } else {
                        response.topics.append(.init(errorCode: ErrorCode.unknownTopicId.rawValue, name: nil,
                                                     topicId: requested.topicId, topicAuthorizedOperations: operationsNotRequested))
                    }
                    continue
                }
                guard seen.insert(name).inserted else { continue }
                if broker.topics.isReserved(name) {
                    // An internal topic still opening after start-up: Kafka's answer for a topic
                    // whose leader is not up yet, which clients retry.
                    response.topics.append(errorTopic(name, .leaderNotAvailable))
                    continue
                }
                if TopicNameValidator.problem(with: name) != nil {
                    response.topics.append(errorTopic(name, .invalidTopicException))
                    continue
                }
                let outcome: Result<Topic, TopicCreationError>?
                if let topic = broker.topics.topic(named: name) {
                    outcome = .success(topic)
                } else {
                    outcome = created[name] ?? nil
                }
                switch outcome {
                case .success(let topic): response.topics.append(describe(topic, view: view))
                case .failure(.alreadyExists):
                    // Being created by another request: as Kafka answers for a topic just created.
                    response.topics.append(errorTopic(name, .leaderNotAvailable))
                case .failure(let error): response.topics.append(errorTopic(name, error.errorCode))
                case nil: response.topics.append(errorTopic(name, .unknownTopicOrPartition))
                }
            }
        }
        return response
    }

    static func errorTopic(_ name: String, _ code: ErrorCode) -> MetadataResponse.MetadataResponseTopic {
        .init(errorCode: code.rawValue, name: name, topicId: .zero, isInternal: false, partitions: [],
              topicAuthorizedOperations: operationsNotRequested)
    }

    static func describe(_ topic: Topic, view: ClusterView) -> MetadataResponse.MetadataResponseTopic {
        // Every partition, hosted here or not: routing comes from the view, not from local logs.
        let partitions = (0..<topic.partitionCount).map { index in
            guard let routing = view.routing(topic: topic.name, partition: index) else {
                return MetadataResponse.MetadataResponsePartition(
                    errorCode: ErrorCode.leaderNotAvailable.rawValue, partitionIndex: index, leaderId: -1,
                    leaderEpoch: -1, replicaNodes: [], isrNodes: [], offlineReplicas: [])
            }
            return MetadataResponse.MetadataResponsePartition(
                errorCode: 0, partitionIndex: index, leaderId: routing.leader, leaderEpoch: routing.leaderEpoch,
                replicaNodes: routing.replicas, isrNodes: routing.isr, offlineReplicas: routing.offlineReplicas)
        }
        return .init(errorCode: 0, name: topic.name, topicId: topic.id, isInternal: topic.isInternal,
                     partitions: partitions, topicAuthorizedOperations: operationsNotRequested)
    }
}
