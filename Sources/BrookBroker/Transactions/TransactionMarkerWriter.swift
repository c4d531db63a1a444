import BrookCluster
import BrookCoordination
import BrookProtocol
import NIOCore

/// Delivers a transaction's commit/abort markers to its partitions: written here for the partitions
/// this broker leads (every one on a single node), sent as WriteTxnMarkers to the leader of each other
/// one (a cluster, as Kafka's coordinator does). A partition whose topic is gone is skipped; a marker
/// refused as stale (the producer moved to a newer epoch) counts as written. Markers on
/// `__consumer_offsets` also settle the group's transactional offset commits (the receiving broker's
/// WriteTxnMarkers does that for the ones it leads). Any other failure fails the delivery, which the
/// transaction shard retries.
enum TransactionMarkerWriter {
    static func make(topics: TopicRegistry, groups: GroupCoordinator, group: EventLoopGroup, nodeId: Int32,
                     view: @escaping @Sendable () -> ClusterView, channels: InterBrokerChannels)
        -> TransactionShardRunner.MarkerWriter {
        { markers in
            let loop = group.next()
            var remote: [Int32: (endpoint: BrokerEndpoint, partitions: [TransactionPartition])] = [:]
            var writes: [EventLoopFuture<Void>] = []
            let clustered = topics.assigner.isCluster
            let current = clustered ? view() : nil
            for tp in markers.partitions {
                let known = topics.topic(named: tp.topic)
                if known == nil && (current?.partitions[tp.topic] == nil) { continue }   // deleted
                if let partition = known?.partition(tp.partition), !clustered || partition.leadership.leader == nodeId {
                    writes.append(writeLocally(markers, tp, partition, groups: groups))
                    continue
                }
                guard let leader = current?.leader(topic: tp.topic, partition: tp.partition), leader.nodeId != nodeId else {
                    writes.append(loop.makeFailedFuture(ErrorCode.notLeaderOrFollower))
                    continue
                }
                remote[leader.nodeId, default: (leader, [])].partitions.append(tp)
            }
            for (_, target) in remote {
                writes.append(send(markers, target.partitions, to: target.endpoint, channels: channels, on: loop))
            }
            return EventLoopFuture.andAllSucceed(writes, on: loop)
        }
    }

    private static func writeLocally(_ markers: TransactionMarkers, _ tp: TransactionPartition, _ partition: Partition,
                                     groups: GroupCoordinator) -> EventLoopFuture<Void> {
        let written = partition.appendMarker(producerId: markers.producerId, producerEpoch: markers.producerEpoch,
                                             commit: markers.commit, coordinatorEpoch: markers.coordinatorEpoch)
            .map { _ in }
            .flatMapError { error -> EventLoopFuture<Void> in
                if let code = error as? ErrorCode, code == .invalidProducerEpoch {
                    return partition.eventLoop.makeSucceededVoidFuture()
                }
                return partition.eventLoop.makeFailedFuture(error)
            }
        return settlingGroupOffsets(written, tp.topic, tp.partition, producerId: markers.producerId, commit: markers.commit,
                                    groups: groups)
    }

    /// After a marker on `__consumer_offsets` partition `index` is written, the group shard settles
    /// the producer's pending transactional offset commits.
    static func settlingGroupOffsets(_ written: EventLoopFuture<Void>, _ topic: String, _ index: Int32, producerId: Int64,
                                     commit: Bool, groups: GroupCoordinator) -> EventLoopFuture<Void> {
        guard topic == OffsetsTopic.name, groups.runners.indices.contains(Int(index)) else { return written }
        let runner = groups.runners[Int(index)]
        return written.flatMap { runner.transactionCompleted(producerId: producerId, commit: commit) }
    }

    private static func send(_ markers: TransactionMarkers, _ partitions: [TransactionPartition], to leader: BrokerEndpoint,
                             channels: InterBrokerChannels, on loop: EventLoop) -> EventLoopFuture<Void> {
        let byTopic = Dictionary(grouping: partitions, by: \.topic)
        let request = WriteTxnMarkersRequest(markers: [.init(
            producerId: markers.producerId, producerEpoch: markers.producerEpoch, transactionResult: markers.commit,
            topics: byTopic.keys.sorted().map { .init(name: $0, partitionIndexes: byTopic[$0]!.map(\.partition)) },
            coordinatorEpoch: markers.coordinatorEpoch)])
        return channels.send(request, version: 0, as: WriteTxnMarkersResponse.self, to: leader).hop(to: loop)
            .flatMapThrowing { response in
                for marker in response.markers {
                    for topic in marker.topics {
                        for partition in topic.partitions {
                            let code = ErrorCode(rawValue: partition.errorCode) ?? .unknownServerError
                            // Stale: the producer already moved on, as for a local write.
                            guard code == .none || code == .invalidProducerEpoch else { throw code }
                        }
                    }
                }
            }
    }
}
