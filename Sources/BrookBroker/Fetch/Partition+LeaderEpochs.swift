import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

extension Partition {
    /// OffsetForLeaderEpoch on this partition, as Kafka's `Partition.lastOffsetForLeaderEpoch` with
    /// `fetchOnlyFromLeader`: the request's current leader epoch is checked first (-1 skips it),
    /// then our leadership; the answer comes from the log's epoch entries (`LeaderEpochLookup`).
    func lastOffset(forLeaderEpoch requested: Int32, currentLeaderEpoch: Int32) -> EventLoopFuture<Result<LeaderEpochLookup, ErrorCode>> {
        eventLoop.submit { self.lastOffsetOnLoop(forLeaderEpoch: requested, currentLeaderEpoch: currentLeaderEpoch) }
    }

    /// The same, on `eventLoop` (a follower fetch's diverging-epoch check runs it inside its read).
    func lastOffsetOnLoop(forLeaderEpoch requested: Int32, currentLeaderEpoch: Int32) -> Result<LeaderEpochLookup, ErrorCode> {
        eventLoop.preconditionInEventLoop()
        if log.health.offlineError != nil { return .failure(.kafkaStorageError) }
        if let error = replica.leadership.checkLeaderEpoch(currentLeaderEpoch) { return .failure(ErrorMapping.code(for: error)) }
        guard replica.isLeader else { return .failure(.notLeaderOrFollower) }
        return .success(currentEpochLookup(requested))
    }

    /// `LeaderEpochLookup` on our log, our current epoch counting as begun where our leadership began.
    func currentEpochLookup(_ requested: Int32) -> LeaderEpochLookup {
        let current = EpochEntry(epoch: replica.leaderEpoch, startOffset: replica.leaderEpochStartOffset)
        return LeaderEpochLookup.endOffset(for: requested, entries: log.leaderEpochs, logEndOffset: log.logEndOffset,
                                           current: current)
    }
}
