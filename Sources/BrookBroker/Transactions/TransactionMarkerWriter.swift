import BrookCoordination
import BrookProtocol
import NIOCore

/// Delivers a transaction's commit/abort markers to its partitions on this broker. A partition whose
/// topic is gone is skipped; a marker refused as stale (the producer moved to a newer epoch) counts as
/// written. Markers on `__consumer_offsets` also settle the group's transactional offset commits.
enum TransactionMarkerWriter {
    static func make(topics: TopicRegistry, groups: GroupCoordinator, group: EventLoopGroup)
        -> TransactionShardRunner.MarkerWriter {
        { markers in
            let loop = group.next()
            let writes = markers.partitions.compactMap { tp -> EventLoopFuture<Void>? in
                guard let partition = topics.topic(named: tp.topic)?.partition(tp.partition) else { return nil }
                let written = partition.appendMarker(producerId: markers.producerId, producerEpoch: markers.producerEpoch,
                                                     commit: markers.commit, coordinatorEpoch: markers.coordinatorEpoch)
                    .map { _ in }
                    .flatMapError { error -> EventLoopFuture<Void> in
                        if let code = error as? ErrorCode, code == .invalidProducerEpoch {
                            return partition.eventLoop.makeSucceededVoidFuture()
                        }
                        return partition.eventLoop.makeFailedFuture(error)
                    }
                guard tp.topic == OffsetsTopic.name, groups.runners.indices.contains(Int(tp.partition)) else { return written }
                let runner = groups.runners[Int(tp.partition)]
                return written.flatMap {
                    runner.transactionCompleted(producerId: markers.producerId, commit: markers.commit)
                }
            }
            return EventLoopFuture.andAllSucceed(writes, on: loop)
        }
    }
}
