import BrookCoordination
import BrookProtocol
import NIOCore

/// KIP-890 server-side defence: before a transactional append, the coordinator confirms the partition
/// is part of the producer's ongoing transaction, so a late batch cannot join a later transaction.
enum TransactionVerification {
    /// Succeeds when the append may go ahead; fails with the Kafka error code otherwise
    /// (INVALID_TXN_STATE, INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING). A coordinator that
    /// cannot answer yet (loading after start-up, closed) gives NOT_ENOUGH_REPLICAS, as in Kafka: a
    /// Produce error every client retries without a metadata refresh, where coordinator errors are
    /// not expected in a Produce response.
    static func verify(broker: Broker, transactionalId: String, producerId: Int64, epoch: Int16,
                       topic: String, partition: Int32) -> EventLoopFuture<Void> {
        let target = TransactionPartition(topic: topic, partition: partition)
        return broker.transactions.runner(for: transactionalId).read(unavailable: { _ in .notEnoughReplicas }) { shard, _ in
            shard.verify(transactionalId: transactionalId, producerId: producerId, epoch: epoch, partition: target)
                .map { $0.errorCode(version: 0, fencedSince: Int16.max) }
        }.flatMapThrowing { error in
            if let error { throw error }
        }
    }
}
