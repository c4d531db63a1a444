import BrookProtocol
import NIOCore

/// OffsetForLeaderEpoch (23), versions 0–4: where a leader epoch ends on this leader's log, so a
/// follower (ReplicaId ≥ 0, v3+) or a consumer validating its position after a leader change
/// (KIP-320) can find where its log diverges. Consumers and followers get the same answer, as
/// Kafka serves both from the leader. Per partition: unknown → UNKNOWN_TOPIC_OR_PARTITION; the
/// current leader epoch (v2+) checked as everywhere (FENCED / UNKNOWN_LEADER_EPOCH); not the
/// leader → NOT_LEADER_OR_FOLLOWER; an offline log directory → KAFKA_STORAGE_ERROR. An epoch
/// without an answer is UNDEFINED (-1, -1) with no error, as in Kafka.
enum OffsetForLeaderEpochHandler {
    static let handler = ApiHandler.make(OffsetForLeaderEpochRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        typealias Answer = OffsetForLeaderEpochResponse.EpochEndOffset
        var topicFutures: [EventLoopFuture<OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult>] = []
        for topicRequest in request.topics {
            let topic = broker.topics.topic(named: topicRequest.topic)
            let partitionFutures = topicRequest.partitions.map { p -> EventLoopFuture<Answer> in
                guard let partition = topic?.partition(p.partition) else {
                    return loop.makeSucceededFuture(Answer(errorCode: Topic.absentPartitionError(topic, p.partition).rawValue,
                                                           partition: p.partition))
                }
                return partition.lastOffset(forLeaderEpoch: p.leaderEpoch, currentLeaderEpoch: p.currentLeaderEpoch)
                    .hop(to: loop).map { found in
                        switch found {
                        case .success(let end):
                            return Answer(errorCode: 0, partition: p.partition, leaderEpoch: end.epoch, endOffset: end.endOffset)
                        case .failure(let code):
                            return Answer(errorCode: code.rawValue, partition: p.partition)
                        }
                    }
            }
            let name = topicRequest.topic
            topicFutures.append(EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                .init(topic: name, partitions: $0)
            })
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map {
            OffsetForLeaderEpochResponse(throttleTimeMs: 0, topics: $0)
        }
    }
}
