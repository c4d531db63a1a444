import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// What a follower's fetch of one partition found on this leader.
struct ReplicaReadResult: Sendable {
    /// Offsets after the fetch was counted (the high watermark it may have advanced).
    var offsets: Partition.Offsets
    var slice: LogSlice?
    var error: ErrorCode?
    /// Set instead of records when the follower's last fetched epoch is not on our log as it has it.
    var divergingEpoch: LeaderEpochLookup?
}

extension Partition {
    /// A follower broker's fetch, as Kafka's leader serves one (`Partition.fetchRecords` from a
    /// follower), in one task on the partition's loop so nothing moves in between:
    /// 1. the request's current leader epoch, our leadership and `replica` being an assigned replica;
    /// 2. from Fetch v12 (`lastFetchedEpoch` ≥ 0), whether the follower's log diverges from ours:
    ///    then the epoch and end offset to truncate to, no records, and its progress is not counted;
    /// 3. records from `fetchOffset` up to our log end (not the high watermark; no isolation level);
    /// 4. `fetchOffset` counted as the follower's log end (and, in Brook, its fsynced end), which
    ///    may advance the high watermark and the durable ISR offset that acks=all waits for.
    func readForReplica(_ replicaId: Int32, fetchOffset: Int64, currentLeaderEpoch: Int32, lastFetchedEpoch: Int32,
                        maxBytes: Int, minOneBatch: Bool) -> EventLoopFuture<ReplicaReadResult> {
        eventLoop.submit {
            self.readForReplicaOnLoop(replicaId, fetchOffset: fetchOffset, currentLeaderEpoch: currentLeaderEpoch,
                                      lastFetchedEpoch: lastFetchedEpoch, maxBytes: maxBytes, minOneBatch: minOneBatch)
        }
    }

    private func readForReplicaOnLoop(_ replicaId: Int32, fetchOffset: Int64, currentLeaderEpoch: Int32,
                                      lastFetchedEpoch: Int32, maxBytes: Int, minOneBatch: Bool) -> ReplicaReadResult {
        let before = currentOffsets
        func refused(_ code: ErrorCode) -> ReplicaReadResult { ReplicaReadResult(offsets: before, error: code) }
        if let code = leaderRefusal(currentLeaderEpoch: currentLeaderEpoch) { return refused(code) }
        guard replica.followers[replicaId] != nil else {
            // Kafka: a replica unknown at a matching epoch may be one we have not learnt of yet.
            return refused(currentLeaderEpoch >= 0 ? .unknownLeaderEpoch : .notLeaderOrFollower)
        }
        if lastFetchedEpoch >= 0 {
            // Kafka's `Partition.readRecords` check of the last fetched epoch.
            let end = currentEpochLookup(lastFetchedEpoch)
            if end.isUndefined || fetchOffset < before.logStartOffset { return refused(.offsetOutOfRange) }
            if end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset {
                return ReplicaReadResult(offsets: before, divergingEpoch: end)
            }
        }
        let slice: LogSlice?
        do {
            slice = try log.slice(from: fetchOffset, maxBytes: maxBytes, upTo: before.logEndOffset, minOneBatch: minOneBatch)
        } catch {
            return refused(ErrorMapping.code(for: error))
        }
        switch replica.followerFetched(replica: replicaId, fetchOffset: fetchOffset,
                                       currentLeaderEpoch: currentLeaderEpoch, now: clock()) {
        case .failure(let error):
            slice?.file.release()
            return refused(ErrorMapping.code(for: error))
        case .success(let effects):
            apply(effects)
            return ReplicaReadResult(offsets: currentOffsets, slice: slice)
        }
    }
}
