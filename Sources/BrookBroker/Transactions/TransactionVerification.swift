import BrookCluster
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
        if let remote = remoteCoordinator(broker: broker, transactionalId: transactionalId) {
            return verifyRemotely(broker: broker, coordinator: remote, transactionalId: transactionalId,
                                  producerId: producerId, epoch: epoch, target: target)
        }
        return broker.transactions.runner(for: transactionalId).read(unavailable: { _ in .notEnoughReplicas }) { shard, _ in
            shard.verify(transactionalId: transactionalId, producerId: producerId, epoch: epoch, partition: target)
                .map { $0.errorCode(version: 0, fencedSince: Int16.max) }
        }.flatMapThrowing { error in
            if let error { throw error }
        }
    }

    /// In a cluster, the leader of the transactional id's `__transaction_state` partition when it is
    /// another broker (nil: this broker, or a single node).
    private static func remoteCoordinator(broker: Broker, transactionalId: String) -> BrokerEndpoint? {
        guard broker.topics.assigner.isCluster else { return nil }
        let index = GroupPartitioner.partition(for: transactionalId, partitions: Int32(broker.transactions.runners.count))
        guard let leader = broker.clusterView.leader(topic: TransactionStateTopic.name, partition: index),
              leader.nodeId != broker.config.nodeId else { return nil }
        return leader
    }

    /// Asks the coordinator on another broker, as Kafka's partition leaders do: AddPartitionsToTxn v4
    /// with verify_only. A coordinator that cannot answer (unreachable, moving, loading) gives
    /// NOT_ENOUGH_REPLICAS, as locally.
    private static func verifyRemotely(broker: Broker, coordinator: BrokerEndpoint, transactionalId: String,
                                       producerId: Int64, epoch: Int16, target: TransactionPartition) -> EventLoopFuture<Void> {
        var request = AddPartitionsToTxnRequest()
        request.transactions = [.init(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch,
                                      verifyOnly: true, topics: [.init(name: target.topic, partitions: [target.partition])])]
        return broker.interBrokerChannels.send(request, version: 4, as: AddPartitionsToTxnResponse.self, to: coordinator)
            .flatMapErrorThrowing { _ in throw ErrorCode.notEnoughReplicas }
            .flatMapThrowing { response in
                let codes = [response.errorCode] + response.resultsByTransaction.flatMap { result in
                    result.topicResults.flatMap { $0.resultsByPartition.map(\.partitionErrorCode) }
                }
                guard let failed = codes.first(where: { $0 != 0 }) else { return }
                let code = ErrorCode(rawValue: failed) ?? .unknownServerError
                switch code {
                case .notCoordinator, .coordinatorNotAvailable, .coordinatorLoadInProgress, .concurrentTransactions:
                    throw ErrorCode.notEnoughReplicas
                default:
                    throw code
                }
            }
    }
}
