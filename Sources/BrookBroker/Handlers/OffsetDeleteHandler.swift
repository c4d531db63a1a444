import BrookCoordination
import BrookProtocol
import NIOCore

/// OffsetDelete (47), version 0: deletes a group's offsets for topics its members do not consume.
enum OffsetDeleteHandler {
    static let handler = ApiHandler.make(OffsetDeleteRequest.self, versions: 0...0) { request, context in
        let broker = context.broker
        let groupId = request.groupId
        let known = request.topics.filter { broker.topics.topic(named: $0.name) != nil }
            .map { (name: $0.name, partitions: $0.partitions.map(\.partitionIndex)) }
        typealias Outcome = (ErrorCode, [(topic: String, errors: [(partition: Int32, error: ErrorCode)])])
        let deleted: EventLoopFuture<Outcome> = broker.groups.runner(for: groupId).run(
            unavailable: { ($0, []) }, failed: { _ in (.notCoordinator, []) }
        ) { shard, now in
            let (error, results, effects) = shard.deleteOffsets(groupId: groupId, topics: known, now: now)
            return ((error, results), effects)
        }
        return deleted.hop(to: context.eventLoop).map { error, results in
            guard error == .none else { return OffsetDeleteResponse(errorCode: error.rawValue, throttleTimeMs: 0, topics: []) }
            var byTopic: [String: [Int32: ErrorCode]] = [:]
            for topic in results {
                for entry in topic.errors { byTopic[topic.topic, default: [:]][entry.partition] = entry.error }
            }
            return OffsetDeleteResponse(errorCode: 0, throttleTimeMs: 0, topics: request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { p in
                    .init(partitionIndex: p.partitionIndex,
                          errorCode: (byTopic[topic.name]?[p.partitionIndex] ?? .unknownTopicOrPartition).rawValue)
                })
            })
        }
    }
}
