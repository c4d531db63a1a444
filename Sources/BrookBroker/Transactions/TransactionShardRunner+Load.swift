import BrookCoordination
import BrookRecords
import NIOCore

/// A term begins: rebuild the shard by replaying its `__transaction_state` partition, then resume
/// the work the previous coordinator left unfinished (aborts after a fence, markers of prepared
/// transactions), as Kafka's loadTransactionsForTxnTopicPartition does.
extension TransactionShardRunner {
    static let loadChunkBytes = 5 * 1024 * 1024  // transaction.state.log.load.buffer.size

    /// Serves `partition` as it is now: loads when this broker leads it, resigns otherwise.
    func follow(_ partition: Partition) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            guard partition.replica.isLeader else { return self.resign() }
            return self.load(from: partition, leaderEpoch: partition.replica.leaderEpoch)
        }
    }

    /// This broker leads `partition` at `leaderEpoch`: takes it, replays it into a fresh shard whose
    /// coordinator epoch is `leaderEpoch` (a previous term's state is dropped first), then activates
    /// the shard and resumes its unfinished work. Requests (EndTxn among them) get
    /// COORDINATOR_LOAD_IN_PROGRESS until then. Nothing happens when this term is already loading or
    /// served; a term that ends meanwhile stops loading. A partition that does not lead (any more)
    /// makes the shard resign instead.
    func load(from partition: Partition, leaderEpoch: Int32 = 0) -> EventLoopFuture<Void> {
        precondition(partition.eventLoop === eventLoop, "a shard runs on its partition's event loop")
        return eventLoop.flatSubmit {
            guard partition.replica.isLeader else { return self.resign() }
            guard case .load(let generation, let unloadFirst) = self.lifecycle.elected(leaderEpoch: leaderEpoch) else {
                return self.termLoaded ?? self.eventLoop.makeSucceededVoidFuture()
            }
            if unloadFirst { self.endTerm() }
            self.shard = TransactionCoordinatorShard(coordinatorEpoch: leaderEpoch, maxTimeoutMs: self.maxTimeoutMs)
            self.partition = partition
            let offsets = partition.currentOffsets
            // To the log end: as leader, everything in our log stays (followers truncate to it).
            let loaded = partition.replayInternalLog(
                from: offsets.logStartOffset, upTo: offsets.logEndOffset, chunkBytes: Self.loadChunkBytes,
                logName: "transaction state", logger: self.logger,
                isLoading: { self.lifecycle.isCurrent(generation) && !self.lifecycle.isActive },
                apply: { batch, chunkStart in
                    self.lifecycle.isCurrent(generation) ? self.replay(batch, from: chunkStart) : 0
                }
            ).flatMap { _ in self.activate(generation: generation) }
            self.termLoaded = loaded
            return loaded
        }
    }

    /// Applies the records of `batch` from offset `from` on; returns how many it applied.
    private func replay(_ batch: RecordBatch, from offset: Int64) -> Int {
        guard batch.controlRecord == nil else { return 0 }
        var count = 0
        for record in batch.records where batch.offset(of: record) >= offset {
            guard let key = record.key else { continue }
            do {
                let id = try TransactionLogRecord.decodeKey(key)
                shard.replay(transactionalId: id, try record.value.map { try TransactionLogRecord.decodeValue(transactionalId: id, $0) })
                count += 1
            } catch {
                logger.warning("skipping undecodable transaction state record", metadata: [
                    "brook.partition": "\(topicPartitionName)", "offset": "\(batch.offset(of: record))",
                    "error": "\(error)"])
            }
        }
        return count
    }

    /// For log lines (the partition is set by then).
    private var topicPartitionName: String { partition.map { "\($0.topicPartition)" } ?? "?" }

    private func activate(generation: UInt64) -> EventLoopFuture<Void> {
        eventLoop.submit {
            guard self.lifecycle.loaded(generation: generation) else { return }
            self.perform(self.shard.resumeEpochFences(now: self.clock()))
            self.perform(self.shard.unfinishedWork())
        }
    }
}
