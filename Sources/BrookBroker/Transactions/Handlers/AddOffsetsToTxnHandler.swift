import BrookCoordination
import BrookProtocol
import NIOCore

/// AddOffsetsToTxn (25), versions 0–4 (v4 only lets Kafka answer TRANSACTION_ABORTABLE, which Brook never needs): adds the group's `__consumer_offsets` partition to the
/// transaction, so its TxnOffsetCommits are settled by the transaction's marker.
enum AddOffsetsToTxnHandler {
    static let handler = ApiHandler.make(AddOffsetsToTxnRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let offsetsPartition = GroupPartitioner.partition(for: request.groupId, partitions: Int32(broker.groups.runners.count))
        let partitions: Set = [TransactionPartition(topic: OffsetsTopic.name, partition: offsetsPartition)]
        return broker.transactions.runner(for: request.transactionalId).run { shard, now in
            shard.addPartitions(transactionalId: request.transactionalId, producerId: request.producerId,
                                epoch: request.producerEpoch, partitions: partitions, now: now)
        }.hop(to: context.eventLoop).map { outcome in
            AddOffsetsToTxnResponse(throttleTimeMs: 0, errorCode: outcome.errorCode(version: version, fencedSince: 2).rawValue)
        }
    }
}
