import BrookProtocol
import NIOCore

/// CreatePartitions (37), versions 0–3: grows topics to a new partition count; one result per topic.
enum CreatePartitionsHandler {
    static let handler = ApiHandler.make(CreatePartitionsRequest.self, versions: 0...3) { request, context in
        // The metadata store is written off the event loop.
        context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    private static func respond(to request: CreatePartitionsRequest, broker: Broker) async -> (any KafkaMessage)? {
        var counts: [String: Int] = [:]
        for topic in request.topics { counts[topic.name, default: 0] += 1 }
        var response = CreatePartitionsResponse()
        var reported = Set<String>()
        for requested in request.topics {
            guard reported.insert(requested.name).inserted else { continue }
            var result = CreatePartitionsResponse.CreatePartitionsTopicResult(name: requested.name, errorCode: 0)
            do throws(AdminError) {
                try await grow(requested, duplicated: counts[requested.name, default: 0] > 1, broker: broker,
                         validateOnly: request.validateOnly)
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.results.append(result)
        }
        return response
    }

    private static func grow(_ requested: CreatePartitionsRequest.CreatePartitionsTopic, duplicated: Bool,
                             broker: Broker, validateOnly: Bool) async throws(AdminError) {
        if duplicated { throw AdminError(.invalidRequest, "Duplicate topic name.") }
        guard let topic = broker.topics.topic(named: requested.name) else {
            throw AdminError(.unknownTopicOrPartition, "This server does not host this topic-partition.")
        }
        var manual: [[Int32]]?
        if let assignments = requested.assignments {
            let additional = Int(requested.count) - Int(topic.partitionCount)
            if additional > 0 && assignments.count != additional {
                throw AdminError(.invalidReplicaAssignment,
                    "Attempted to add \(additional) additional partition(s), but only \(assignments.count) assignment(s) were specified.")
            }
            manual = assignments.map(\.brokerIds)
        }
        try await broker.topics.addPartitions(topic, count: requested.count, validateOnly: validateOnly, assignment: manual)
    }
}
