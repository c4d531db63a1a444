import BrookCluster
import BrookRecords
import BrookStorage
import NIOCore

/// Why the partition refused a follower operation.
enum FollowerPartitionError: Error, Sendable, Equatable {
    /// This broker leads the partition (at `epoch`): only a follower copies another replica's log.
    case leading(epoch: Int32)
}

extension Partition {
    /// Stores batches fetched from the leader (`PartitionLog.appendAsFollower`: same offsets, epochs
    /// and bytes) and completes with the new log end once it is fsynced: the fetcher fetches the next
    /// offset only then, so the offset it reports to the leader is on disk (Brook's durability rule;
    /// fsyncs of back-to-back appends are group-committed as for the leader). The producer state and
    /// aborted transactions follow the batches, as start-up recovery would rebuild them, so a producer's
    /// retry is still recognised and read_committed still filters after this replica becomes leader.
    /// The high watermark becomes min(`leaderHighWatermark`, our log end).
    ///
    /// Records without a complete batch still update the high watermark (and wait for any unflushed
    /// tail). A failed fsync fails the call and takes the log directory offline, as on the leader path.
    /// The fetcher runs one follower operation at a time per partition.
    func appendAsFollower(records: ByteBuffer, leaderHighWatermark: Int64) -> EventLoopFuture<Int64> {
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit { self.appendAsFollower(records: records, leaderHighWatermark: leaderHighWatermark) }
        }
        if let offline = log.health.offlineError { return eventLoop.makeFailedFuture(offline) }
        guard !replica.isLeader else {
            return eventLoop.makeFailedFuture(FollowerPartitionError.leading(epoch: replica.leaderEpoch))
        }
        do {
            let segmentsBefore = log.segmentCount
            let stored = try log.appendAsFollower(records: records, now: clock())
            if let kick = stored.writeBack { startWriteBack(kick) }
            let rolled = log.segmentCount != segmentsBefore
            if rolled { snapshotProducers() }
            try recordReplicated(stored.batches)
            if rolled { startFlushIfIdle(background: true) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        apply(replica.followerLogUpdated(logEnd: log.logEndOffset, leaderHighWatermark: leaderHighWatermark))
        return awaitFollowerFlush()
    }

    /// Producer state and aborted transactions for batches copied from the leader, in log order.
    private func recordReplicated(_ batches: [FollowerAppendedBatch]) throws {
        var markers = false
        for batch in batches {
            let header = batch.header
            let openFirst = header.hasProducerId ? producers.producers[header.producerId]?.currentTxnFirstOffset : nil
            producers.record(header, firstOffset: header.baseOffset, lastOffset: header.lastOffset)
            guard header.isControl, header.isTransactional, header.hasProducerId else { continue }
            markers = true
            if let control = try? RecordBatch.decode(batch.bytes, maxDecompressedSize: 1 << 20).controlRecord {
                producers.setCoordinatorEpoch(control.coordinatorEpoch, for: header.producerId)
            }
            if let txn = PartitionLog.abortedTxn(closedByReplicatedMarker: batch, openFirst: openFirst,
                                                  stateAfter: producers) {
                abortedTxns.append(txn)
                // Synced by the flush this append waits for.
                try log.appendAbortedTxn(txn)
            }
        }
        // The last stable offset may have moved: read_committed waiters can read further.
        if markers { wakeFetchWaiters() }
    }

    /// Completes with the log end once our fsync has passed it.
    private func awaitFollowerFlush() -> EventLoopFuture<Int64> {
        let end = log.logEndOffset
        if replica.flushedOffset >= end { return eventLoop.makeSucceededFuture(end) }
        let promise = eventLoop.makePromise(of: Void.self)
        followerFlushWaiters.add(promise, offset: end - 1)
        startFlushIfIdle()
        return promise.futureResult.map { end }
    }

    /// Cuts the log before the batch holding `offset` (a diverging epoch or OffsetForLeaderEpoch said
    /// the logs differ from there; Kafka's truncateTo) and rebuilds what depends on it: the producer
    /// state from the newest snapshot left plus the remaining log (Kafka rebuilds it likewise, so a
    /// batch that was truncated away is no duplicate any more), and the aborted transactions whose
    /// marker was cut. Waits for a group commit under way: a flush prepared before the truncation must
    /// not mark the batches appended after it as durable. Completes with the new log end.
    /// At or below the log start nothing readable is left: the log restarts empty at `offset`.
    func truncateAsFollower(to offset: Int64) -> EventLoopFuture<Int64> {
        guard offset >= 0 else {
            return eventLoop.makeFailedFuture(StorageError.offsetOutOfRange(requested: offset, logStart: 0, logEnd: 0))
        }
        return followerLogChange {
            if offset <= self.log.logStartOffset, offset < self.log.logEndOffset {
                try self.log.truncateFully(restartingAt: offset, now: self.clock())
            } else {
                try self.log.truncate(to: offset)
            }
        }
    }

    /// Empties the log and restarts it at `offset` (Kafka's truncateFullyAndStartAt: our log end is
    /// below the leader's log start, OFFSET_OUT_OF_RANGE). The producer state and aborted transactions
    /// are emptied with it. Completes with the new log end (`offset`).
    func truncateFullyAsFollower(restartingAt offset: Int64) -> EventLoopFuture<Int64> {
        followerLogChange { try self.log.truncateFully(restartingAt: offset, now: self.clock()) }
    }

    /// Runs a truncation on the loop between group commits, then rebuilds the state that follows the log.
    private func followerLogChange(_ change: @escaping @Sendable () throws -> Void) -> EventLoopFuture<Int64> {
        eventLoop.flatSubmit {
            if self.isFlushing {
                return self.currentFlush().flatMap { self.followerLogChange(change) }
            }
            if let offline = self.log.health.offlineError { return self.eventLoop.makeFailedFuture(offline) }
            guard !self.replica.isLeader else {
                return self.eventLoop.makeFailedFuture(FollowerPartitionError.leading(epoch: self.replica.leaderEpoch))
            }
            do {
                try change()
            } catch {
                return self.eventLoop.makeFailedFuture(error)
            }
            let end = self.log.logEndOffset
            self.reloadProducerState()
            if end == self.log.logStartOffset {
                self.abortedTxns.removeAll()
            } else {
                self.abortedTxns.removeAll { $0.lastOffset >= end }
            }
            self.apply(self.replica.followerLogUpdated(logEnd: end, leaderHighWatermark: self.log.highWatermark))
            return self.eventLoop.makeSucceededFuture(end)
        }
    }

    /// The producer state as the log now says (newest snapshot at or below the log end, newer ones
    /// deleted, plus the batches after it). A log that cannot be read back leaves no producers, as at start-up.
    private func reloadProducerState() {
        do {
            producers = try log.loadProducerState()
        } catch {
            logger.error("could not rebuild producer state after truncation; starting empty",
                         metadata: ["brook.partition": "\(topicPartition)", "error": "\(error)"])
            producers = ProducerStateManager(mapEndOffset: log.logEndOffset)
        }
    }
}
