import BrookStorage
import NIOCore

/// Where a follower's log stands for its fetcher: the next fetch offset and last fetched epoch.
struct FollowerLogPosition: Equatable, Sendable {
    var logEnd: Int64
    /// The epoch of the log's newest epoch entry (-1: none).
    var lastEpoch: Int32
    /// The log directory has failed: nothing more can be copied into it.
    var directoryOffline = false
}

extension Partition {
    /// Our log end and newest leader epoch, read on the partition's loop.
    func followerLogPosition() -> EventLoopFuture<FollowerLogPosition> {
        eventLoop.submit {
            FollowerLogPosition(logEnd: self.log.logEndOffset, lastEpoch: self.log.leaderEpochs.last?.epoch ?? -1,
                                directoryOffline: self.log.health.offlineError != nil)
        }
    }

    /// Cuts the log where the leader's diverging epoch says (`ReplicaFetcherState.divergenceTruncationOffset`
    /// on our epoch entries). Only the fetcher changes a follower's log, so the offset read here
    /// still holds when the truncation runs.
    func truncateAsFollower(divergingEpoch epoch: Int32, leaderEndOffset: Int64) -> EventLoopFuture<Int64> {
        eventLoop.flatSubmit {
            let offset = ReplicaFetcherState.divergenceTruncationOffset(
                leaderEpoch: epoch, leaderEndOffset: leaderEndOffset, localEpochs: self.log.leaderEpochs,
                localLogEnd: self.log.logEndOffset)
            return self.truncateAsFollower(to: offset)
        }
    }

    /// Moves our log start up to the leader's, never past our high watermark (Kafka's follower
    /// `maybeIncrementLogStartOffset`): records deleted on the leader go on the followers too.
    func followLeaderLogStart(_ leaderLogStart: Int64, fileDeleteDelayMs: Int64) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let target = min(leaderLogStart, self.log.highWatermark)
            guard target > self.log.logStartOffset else { return self.eventLoop.makeSucceededVoidFuture() }
            return self.deleteRecords(before: target, fileDeleteDelayMs: fileDeleteDelayMs).map { _ in }
        }
    }
}
