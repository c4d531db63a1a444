import BrookProtocol
import NIOCore

/// DescribeTopicPartitions (75), version 0: topics and their partitions for `kafka-topics.sh --describe`,
/// paged by a cursor and a partition limit.
enum DescribeTopicPartitionsHandler {
    typealias TopicResult = DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic

    static let handler = ApiHandler.make(DescribeTopicPartitionsRequest.self, versions: 0...0) { request, context in
        let broker = context.broker
        let node = broker.identity.nodeId
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
            let count = topic.partitions.count
            let last = min(count, first + budget)
            var result = TopicResult(errorCode: 0, name: name, topicId: topic.id, isInternal: topic.isInternal,
                                     partitions: [])
            result.partitions = (first..<max(first, last)).map { index in
                .init(errorCode: 0, partitionIndex: Int32(index), leaderId: node, leaderEpoch: 0, replicaNodes: [node],
                      isrNodes: [node], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [])
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
