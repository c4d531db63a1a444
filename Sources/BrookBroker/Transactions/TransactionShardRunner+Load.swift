import BrookCoordination
import BrookRecords
import NIOCore

/// Start-up: rebuild the shard by replaying its `__transaction_state` partition, then resume the
/// work a previous run left unfinished (aborts after a fence, markers of prepared transactions).
extension TransactionShardRunner {
    static let loadChunkBytes = 5 * 1024 * 1024  // transaction.state.log.load.buffer.size

    /// Takes the shard's partition, replays it, then activates the shard and resumes its unfinished
    /// work. Requests (EndTxn among them) get COORDINATOR_LOAD_IN_PROGRESS until then. A shard closed
    /// meanwhile stops loading.
    func load(from partition: Partition) -> EventLoopFuture<Void> {
        precondition(partition.eventLoop === eventLoop, "a shard runs on its partition's event loop")
        return eventLoop.flatSubmit {
            guard self.status == .loading else { return self.eventLoop.makeSucceededVoidFuture() }
            self.partition = partition
            let offsets = partition.currentOffsets
            return partition.replayInternalLog(
                from: offsets.logStartOffset, upTo: offsets.highWatermark, chunkBytes: Self.loadChunkBytes,
                logName: "transaction state", logger: self.logger, isLoading: { self.status == .loading },
                apply: { batch, chunkStart in self.replay(batch, from: chunkStart) }
            ).flatMap { _ in self.activate() }
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

    private func activate() -> EventLoopFuture<Void> {
        eventLoop.submit {
            guard self.status == .loading else { return }
            self.status = .active
            self.perform(self.shard.resumeEpochFences(now: self.clock()))
            self.perform(self.shard.unfinishedWork())
        }
    }
}
