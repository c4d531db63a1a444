import BrookProtocol
import NIOCore

extension FetchRequest {
    /// The follower broker sending this fetch, nil for a consumer: the replica id (v0–14) or the
    /// replica state's (v15+) when ≥ 0 (Kafka's `FetchRequest.replicaId`; -1 consumer, -2 debug
    /// consumer). Below v4 records are down-converted for old clients, so no follower is served there.
    func followerReplicaId(version: Int16) -> Int32? {
        guard version >= 4 else { return nil }
        let id = version >= 15 ? replicaState.replicaId : replicaId
        return id >= 0 ? id : nil
    }
}

extension FetchHandler {
    /// `readOne` for a follower broker (`Partition.readForReplica`): records up to the log end,
    /// the leader's high watermark, no aborted transactions (a follower copies the log as is), or
    /// a diverging epoch with no records, answered at once as an error is. A throttled replica out
    /// of sync gets no records while the leader's throttled rate is exceeded (`ReplicationThrottles`).
    static func readForReplica(_ replicaId: Int32, _ p: FetchRequest.FetchPartition, topicName: String, topic: Topic?,
                               request: FetchRequest, acc: Accumulator, throttles: ReplicationThrottles, now: Int64,
                               loop: EventLoop) -> EventLoopFuture<Accumulator> {
        guard let partition = topic?.partition(p.partition) else {
            return loop.makeSucceededFuture(acc.refusing(p, of: topicName, Topic.absentPartitionError(topic, p.partition)))
        }
        let tp = partition.topicPartition
        let throttled = throttles.isThrottled(tp, .leader)
        let held = throttled && !partition.leadership.isr.contains(replicaId) && throttles.isExceeded(.leader, now: now)
        let remaining = max(0, Int(request.maxBytes) - acc.bytes)
        let limit = held ? 0 : min(Int(max(0, p.partitionMaxBytes)), remaining)
        return partition.readForReplica(replicaId, fetchOffset: p.fetchOffset, currentLeaderEpoch: p.currentLeaderEpoch,
                                        lastFetchedEpoch: p.lastFetchedEpoch, maxBytes: limit,
                                        minOneBatch: !held && acc.bytes == 0)
            .hop(to: loop).map { read in
                if throttled, let slice = read.slice { throttles.record(slice.length, .leader, now: now) }
                if let code = read.error { return acc.refusing(p, of: topicName, code) }
                var data = FetchResponse.PartitionData(
                    partitionIndex: p.partition, errorCode: 0, highWatermark: read.offsets.highWatermark,
                    lastStableOffset: read.offsets.lastStableOffset, logStartOffset: read.offsets.logStartOffset,
                    abortedTransactions: nil, preferredReadReplica: -1, records: read.slice == nil ? ByteBuffer() : nil)
                if let diverging = read.divergingEpoch {
                    data.divergingEpoch = .init(epoch: diverging.epoch, endOffset: diverging.endOffset)
                }
                var next = acc.adding(topicName, data, slice: read.slice, failed: read.divergingEpoch != nil)
                next.replicaLogEnds[topicName, default: [:]][p.partition] = read.offsets.logEndOffset
                return next
            }
    }
}
