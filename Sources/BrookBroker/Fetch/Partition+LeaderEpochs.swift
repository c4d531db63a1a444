import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

extension Partition {
    /// OffsetForLeaderEpoch on this partition, as Kafka's `Partition.lastOffsetForLeaderEpoch` with
    /// `fetchOnlyFromLeader`: `leaderRefusal` first, then the log's epoch entries (`LeaderEpochLookup`).
    func lastOffset(forLeaderEpoch requested: Int32,
                    currentLeaderEpoch: Int32) -> EventLoopFuture<Result<LeaderEpochLookup, ErrorCode>> {
        eventLoop.submit {
            if let refused = self.leaderRefusal(currentLeaderEpoch: currentLeaderEpoch) { return .failure(refused) }
            return .success(self.currentEpochLookup(requested))
        }
    }

    /// Why a request for the leader is refused here, on `eventLoop`, in Kafka's order: an offline
    /// log directory, the request's current leader epoch (-1 skips it), then our leadership.
    func leaderRefusal(currentLeaderEpoch: Int32) -> ErrorCode? {
        eventLoop.preconditionInEventLoop()
        if log.health.offlineError != nil { return .kafkaStorageError }
        if let error = replica.leadership.checkLeaderEpoch(currentLeaderEpoch) { return ErrorMapping.code(for: error) }
        return replica.isLeader ? nil : .notLeaderOrFollower
    }

    /// `LeaderEpochLookup` on our log, our current epoch counting as begun where our leadership began.
    func currentEpochLookup(_ requested: Int32) -> LeaderEpochLookup {
        let current = EpochEntry(epoch: replica.leaderEpoch, startOffset: replica.leaderEpochStartOffset)
        return LeaderEpochLookup.endOffset(for: requested, entries: log.leaderEpochs, logEndOffset: log.logEndOffset,
                                           current: current)
    }
}
