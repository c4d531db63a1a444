import BrookProtocol
import NIOCore

/// DescribeTopicPartitions (75), version 0: topics and their partitions for `kafka-topics.sh --describe`,
/// paged by a cursor and a partition limit.
enum DescribeTopicPartitionsHandler {
    typealias TopicResult = DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic

    static let handler = ApiHandler.make(DescribeTopicPartitionsRequest.self, versions: 0...0) { request, context in
        let broker = context.broker
        let view = broker.clusterView
        let names = request.topics.isEmpty ? broker.topics.allTopics.map(\.name)
            : Array(Set(request.topics.map(\.name))).sorted()
        var response = DescribeTopicPartitionsResponse()
        var budget = max(1, Int(request.responsePartitionLimit))
        let cursor = request.cursor
        for name in names {
            if let cursor, name < cursor.topicName { continue }
            guard let topic = broker.topics.topic(named: name) else {
                response.topics.append(TopicResult(errorCode: ErrorCode.unknownTopicOrPartition.rawValue, name: name,
                                                   topicId: .zero, isInternal: false, partitions: []))
                continue
            }
            if budget == 0 {
                response.nextCursor = .init(topicName: name, partitionIndex: 0)
                break
            }
            let first = cursor.flatMap { $0.topicName == name ? Int($0.partitionIndex) : nil } ?? 0
            // Every partition, hosted here or not (routing comes from the view).
            let count = Int(topic.partitionCount)
            let last = min(count, first + budget)
            var result = TopicResult(errorCode: 0, name: name, topicId: topic.id, isInternal: topic.isInternal,
                                     partitions: [])
            result.partitions = (first..<max(first, last)).map { index in
                guard let routing = view.routing(topic: name, partition: Int32(index)) else {
                    return .init(errorCode: ErrorCode.leaderNotAvailable.rawValue, partitionIndex: Int32(index), leaderId: -1,
                                 leaderEpoch: -1, replicaNodes: [], isrNodes: [], eligibleLeaderReplicas: [],
                                 lastKnownElr: [], offlineReplicas: [])
                }
                return .init(errorCode: 0, partitionIndex: Int32(index), leaderId: routing.leader,
                             leaderEpoch: routing.leaderEpoch, replicaNodes: routing.replicas, isrNodes: routing.isr,
                             eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: routing.offlineReplicas)
            }
            response.topics.append(result)
            budget -= result.partitions.count
            if last < count {
                response.nextCursor = .init(topicName: name, partitionIndex: Int32(last))
                break
            }
        }
        return context.eventLoop.makeSucceededFuture(response)
    }
}
