import BrookCoordination
import BrookProtocol
import NIOCore

/// AddPartitionsToTxn (24), versions 0–5: adds partitions to the producer's open transaction (starting
/// one if none is open). Unknown partitions fail the whole transaction's request: they get
/// UNKNOWN_TOPIC_OR_PARTITION and the rest OPERATION_NOT_ATTEMPTED, as in Kafka. v4+ is Kafka's
/// broker-to-broker batched form (KIP-890): several transactions per request, each either added or,
/// with `verify_only`, only checked (per partition: none when it is in the ongoing transaction).
enum AddPartitionsToTxnHandler {
    typealias TopicResult = AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult

    static let handler = ApiHandler.make(AddPartitionsToTxnRequest.self, versions: 0...5) { request, context in
        let version = context.header.apiVersion
        let loop = context.eventLoop
        if version < 4 {
            return answer(broker: context.broker, id: request.v3AndBelowTransactionalId,
                          producerId: request.v3AndBelowProducerId, epoch: request.v3AndBelowProducerEpoch,
                          topics: request.v3AndBelowTopics, verifyOnly: false, version: version)
                .hop(to: loop).map { AddPartitionsToTxnResponse(throttleTimeMs: 0, resultsByTopicV3AndBelow: $0) }
        }
        let results = request.transactions.map { transaction in
            answer(broker: context.broker, id: transaction.transactionalId, producerId: transaction.producerId,
                   epoch: transaction.producerEpoch, topics: transaction.topics, verifyOnly: transaction.verifyOnly,
                   version: version)
                .hop(to: loop).map { AddPartitionsToTxnResponse.AddPartitionsToTxnResult(
                    transactionalId: transaction.transactionalId, topicResults: $0) }
        }
        return EventLoopFuture.whenAllSucceed(results, on: loop).map {
            AddPartitionsToTxnResponse(throttleTimeMs: 0, errorCode: 0, resultsByTransaction: $0)
        }
    }

    /// The per-partition results of one transaction's partitions.
    private static func answer(broker: Broker, id: String, producerId: Int64, epoch: Int16,
                               topics: [AddPartitionsToTxnRequest.AddPartitionsToTxnTopic], verifyOnly: Bool,
                               version: Int16) -> EventLoopFuture<[TopicResult]> {
        @Sendable func results(_ code: @Sendable (TransactionPartition) -> ErrorCode) -> [TopicResult] {
            topics.map { topic in
                .init(name: topic.name, resultsByPartition: topic.partitions.map {
                    .init(partitionIndex: $0, partitionErrorCode: code(TransactionPartition(topic: topic.name, partition: $0)).rawValue)
                })
            }
        }
        let partitions = Set(topics.flatMap { topic in topic.partitions.map { TransactionPartition(topic: topic.name, partition: $0) } })
        let unknown = partitions.filter { broker.topics.topic(named: $0.topic)?.hasPartition($0.partition) != true }
        if !unknown.isEmpty {
            return broker.group.next().makeSucceededFuture(results {
                unknown.contains($0) ? .unknownTopicOrPartition : .operationNotAttempted
            })
        }
        if verifyOnly {
            return broker.transactions.runner(for: id).read(unavailable: { code in results { _ in code } }) { shard, _ in
                results {
                    shard.verify(transactionalId: id, producerId: producerId, epoch: epoch, partition: $0)?
                        .errorCode(version: version, fencedSince: 2) ?? .none
                }
            }
        }
        return broker.transactions.runner(for: id).run { shard, now in
            shard.addPartitions(transactionalId: id, producerId: producerId, epoch: epoch, partitions: partitions, now: now)
        }.map { outcome in
            let code = outcome.errorCode(version: version, fencedSince: 2)
            return results { _ in code }
        }
    }
}
