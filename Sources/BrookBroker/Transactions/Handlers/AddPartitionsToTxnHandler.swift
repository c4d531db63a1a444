import BrookCoordination
import BrookProtocol
import NIOCore

/// AddPartitionsToTxn (24), versions 0–3: adds partitions to the producer's open transaction (starting
/// one if none is open). Unknown partitions fail the whole request: they get UNKNOWN_TOPIC_OR_PARTITION
/// and the rest OPERATION_NOT_ATTEMPTED, as in Kafka. v4+ (broker-to-broker verification) is not advertised.
enum AddPartitionsToTxnHandler {
    static let handler = ApiHandler.make(AddPartitionsToTxnRequest.self, versions: 0...3) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let topics = request.v3AndBelowTopics
        @Sendable func response(_ code: (String, Int32) -> ErrorCode) -> AddPartitionsToTxnResponse {
            AddPartitionsToTxnResponse(throttleTimeMs: 0, resultsByTopicV3AndBelow: topics.map { topic in
                .init(name: topic.name, resultsByPartition: topic.partitions.map {
                    .init(partitionIndex: $0, partitionErrorCode: code(topic.name, $0).rawValue)
                })
            })
        }
        let unknown = Set(topics.flatMap { topic in
            topic.partitions.filter { broker.topics.topic(named: topic.name)?.partition($0) == nil }
                .map { TransactionPartition(topic: topic.name, partition: $0) }
        })
        if !unknown.isEmpty {
            return context.eventLoop.makeSucceededFuture(response { name, index in
                unknown.contains(TransactionPartition(topic: name, partition: index)) ? .unknownTopicOrPartition
                    : .operationNotAttempted
            })
        }
        let partitions = Set(topics.flatMap { topic in topic.partitions.map { TransactionPartition(topic: topic.name, partition: $0) } })
        let id = request.v3AndBelowTransactionalId
        let producerId = request.v3AndBelowProducerId
        let epoch = request.v3AndBelowProducerEpoch
        return broker.transactions.runner(for: id).run { shard, now in
            shard.addPartitions(transactionalId: id, producerId: producerId, epoch: epoch, partitions: partitions, now: now)
        }.hop(to: context.eventLoop).map { outcome in
            let code = outcome.errorCode(version: version, fencedSince: 2)
            return response { _, _ in code }
        }
    }
}
