import BrookCoordination
import BrookProtocol
import NIOCore

/// TxnOffsetCommit (28), versions 0–4 (v4 adds only the TRANSACTION_ABORTABLE answer, unused here): offsets committed inside a transaction, visible only once it
/// commits. The partition of the group must be in the transaction (AddOffsetsToTxn) first.
enum TxnOffsetCommitHandler {
    static let handler = ApiHandler.make(TxnOffsetCommitRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let loop = context.eventLoop
        @Sendable func response(_ code: (Int, Int) -> ErrorCode) -> TxnOffsetCommitResponse {
            TxnOffsetCommitResponse(throttleTimeMs: 0, topics: request.topics.enumerated().map { t, topic in
                .init(name: topic.name, partitions: topic.partitions.enumerated().map { p, partition in
                    .init(partitionIndex: partition.partitionIndex, errorCode: code(t, p).rawValue)
                })
            })
        }
        var accepted: [(topic: Int, partition: Int)] = []
        var partitions: [OffsetCommitInput.Partition] = []
        for (t, topic) in request.topics.enumerated() {
            guard let known = broker.topics.topic(named: topic.name) else { continue }
            for (p, partition) in topic.partitions.enumerated() where known.hasPartition(partition.partitionIndex) {
                accepted.append((t, p))
                partitions.append(.init(topic: topic.name, partition: partition.partitionIndex,
                                        offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch,
                                        metadata: partition.committedMetadata))
            }
        }
        let offsetsPartition = TransactionPartition(
            topic: OffsetsTopic.name,
            partition: GroupPartitioner.partition(for: request.groupId, partitions: Int32(broker.groups.runners.count)))
        let input = OffsetCommitInput(groupId: request.groupId, generationIdOrMemberEpoch: request.generationId,
                                      memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                                      apiVersion: version, partitions: partitions)
        let verified = broker.transactions.runner(for: request.transactionalId).read(unavailable: { $0 }) { shard, _ in
            shard.verify(transactionalId: request.transactionalId, producerId: request.producerId,
                         epoch: request.producerEpoch, partition: offsetsPartition)
                .map { $0.errorCode(version: version, fencedSince: 3) } ?? .none
        }
        let positions = accepted
        let hasPartitions = !partitions.isEmpty
        return verified.hop(to: loop).flatMap { error -> EventLoopFuture<[ErrorCode]> in
            guard error == .none else { return loop.makeSucceededFuture(Array(repeating: error, count: positions.count)) }
            guard hasPartitions else { return loop.makeSucceededFuture([]) }
            return broker.groups.runner(for: request.groupId)
                .commitTransactionalOffsets(input, producerId: request.producerId, producerEpoch: request.producerEpoch)
                .hop(to: loop)
        }.map { results in
            var errors = request.topics.map { Array(repeating: ErrorCode.unknownTopicOrPartition, count: $0.partitions.count) }
            for (index, position) in positions.enumerated() { errors[position.topic][position.partition] = results[index] }
            return response { errors[$0][$1] }
        }
    }
}
