import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// ElectLeaders (43), versions 0–2: preferred-replica election, or (v1+, KIP-460) an unclean
/// election for partitions without a leader. Only the controller decides; another broker of a
/// cluster forwards the request to it (as a KRaft broker forwards to the active controller) and
/// answers NOT_CONTROLLER for every partition only when the controller cannot be reached or the
/// request was itself forwarded (clients then retry against the controller Metadata names). A
/// single node leads all it has:
/// ELECTION_NOT_NEEDED. A null topic list means every partition, and then partitions that needed no
/// election are left out of the answer (Kafka's rule).
enum ElectLeadersHandler {
    static let handler = ApiHandler.make(ElectLeadersRequest.self, versions: 0...2) { request, context in
        let version = context.header.apiVersion
        let broker = context.broker
        if let forwarded = ControllerForwarding.forward(request, as: ElectLeadersResponse.self, context: context,
                                                        unreachable: { notController(request) }) {
            return forwarded
        }
        // The controller writes to etcd: off the event loop.
        return context.eventLoop.makeFutureWithTask {
            await respond(to: request, version: version, broker: broker)
        }
    }

    /// NOT_CONTROLLER for every named partition (the controller could not be reached).
    private static func notController(_ request: ElectLeadersRequest) -> ElectLeadersResponse {
        response(RequestedPartitions(request.topicPartitions).order.map { ($0, Answer(code: .notController)) })
    }

    /// One partition's answer.
    private struct Answer {
        var code: ErrorCode
        var message: String?
    }

    static func respond(to request: ElectLeadersRequest, version: Int16, broker: Broker) async -> ElectLeadersResponse {
        let requested = RequestedPartitions(request.topicPartitions)
        // Version 0 knows only preferred elections.
        guard let type = ElectionType(rawValue: version == 0 ? 0 : request.electionType) else {
            let answer = Answer(code: .invalidRequest, message: "Unknown election type \(request.electionType)")
            var response = response(requested.order.map { ($0, answer) })
            response.errorCode = ErrorCode.invalidRequest.rawValue
            return response
        }
        var answers: [TopicPartition: Answer] = [:]
        for partition in requested.duplicates {
            answers[partition] = Answer(code: .invalidRequest, message: "Partition \(partition) is named more than once.")
        }
        let electable = requested.all ? nil : requested.order.filter { !requested.duplicates.contains($0) }
        if let admin = broker.clusterAdmin {
            let timeout = Duration.milliseconds(max(0, request.timeoutMs))
            do {
                for (partition, outcome) in try await admin.electLeaders(type, partitions: electable, timeout: timeout) {
                    answers[partition] = answer(outcome)
                }
            } catch {
                let code = error is ClusterMemberError ? ErrorCode.notController : ErrorMapping.code(for: error)
                for partition in electable ?? allPartitions(of: broker) { answers[partition] = Answer(code: code) }
            }
        } else {
            for partition in electable ?? allPartitions(of: broker) {
                answers[partition] = Answer(code: exists(partition, on: broker) ? .electionNotNeeded : .unknownTopicOrPartition)
            }
        }
        let order = requested.all ? answers.keys.sorted(by: Self.ordered) : requested.order
        return response(order.compactMap { partition in
            guard let answer = answers[partition], !(requested.all && answer.code == .electionNotNeeded) else { return nil }
            return (partition, answer)
        })
    }

    private static func answer(_ outcome: LeaderElectionOutcome) -> Answer {
        switch outcome {
        case .elected: return Answer(code: .none)
        case .refused(let error): return Answer(code: ErrorMapping.code(for: error), message: ErrorMapping.message(for: error))
        case .timedOut: return Answer(code: .requestTimedOut)
        }
    }

    /// Results grouped by topic, in the order given.
    private static func response(_ answers: [(TopicPartition, Answer)]) -> ElectLeadersResponse {
        var response = ElectLeadersResponse(throttleTimeMs: 0, errorCode: 0)
        for (partition, answer) in answers {
            let result = ElectLeadersResponse.PartitionResult(
                partitionId: partition.partition, errorCode: answer.code.rawValue, errorMessage: answer.message)
            if let last = response.replicaElectionResults.indices.last,
               response.replicaElectionResults[last].topic == partition.topic {
                response.replicaElectionResults[last].partitionResult.append(result)
            } else {
                response.replicaElectionResults.append(.init(topic: partition.topic, partitionResult: [result]))
            }
        }
        return response
    }

    /// Every partition of every topic this broker knows (Kafka takes them from its metadata cache).
    private static func allPartitions(of broker: Broker) -> [TopicPartition] {
        broker.topics.allTopics.flatMap { topic in
            (0..<topic.partitionCount).map { TopicPartition(topic: topic.name, partition: $0) }
        }
    }

    private static func exists(_ partition: TopicPartition, on broker: Broker) -> Bool {
        guard let topic = broker.topics.topic(named: partition.topic) else { return false }
        return partition.partition >= 0 && partition.partition < topic.partitionCount
    }

    private static func ordered(_ a: TopicPartition, _ b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }
}

/// The partitions an ElectLeaders request names, in request order, with those named twice.
private struct RequestedPartitions {
    /// True for a null topic list: every partition.
    let all: Bool
    /// Each partition once, grouped by topic in the order topics first appear.
    let order: [TopicPartition]
    let duplicates: Set<TopicPartition>

    init(_ topics: [ElectLeadersRequest.TopicPartitions]?) {
        guard let topics else {
            all = true
            order = []
            duplicates = []
            return
        }
        all = false
        var byTopic: [String: [Int32]] = [:]
        var topicOrder: [String] = []
        var seen = Set<TopicPartition>()
        var duplicates = Set<TopicPartition>()
        for topic in topics {
            for index in topic.partitions {
                let partition = TopicPartition(topic: topic.topic, partition: index)
                guard seen.insert(partition).inserted else {
                    duplicates.insert(partition)
                    continue
                }
                if byTopic[topic.topic] == nil { topicOrder.append(topic.topic) }
                byTopic[topic.topic, default: []].append(index)
            }
        }
        order = topicOrder.flatMap { name in byTopic[name, default: []].map { TopicPartition(topic: name, partition: $0) } }
        self.duplicates = duplicates
    }
}
