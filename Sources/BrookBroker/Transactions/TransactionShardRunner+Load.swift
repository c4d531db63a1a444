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
            return self.loadChunk(from: offsets.logStartOffset, upTo: offsets.highWatermark)
        }
    }

    private func loadChunk(from offset: Int64, upTo end: Int64) -> EventLoopFuture<Void> {
        guard offset < end else { return activate() }
        // The runner shares the partition's event loop, so it may read the log directly; once the
        // shard is closed (shutdown) the log may be closed too, so stop reading.
        return eventLoop.submit { () -> ByteBuffer? in
            guard self.status == .loading, let partition = self.partition else { return nil }
            return try partition.log.read(from: offset, maxBytes: Self.loadChunkBytes, upTo: end, minOneBatch: true).records
        }.flatMap { chunk in
            guard let chunk else { return self.eventLoop.makeSucceededVoidFuture() }
            let next = self.replay(chunk, from: offset)
            guard next > offset else { return self.activate() }
            return self.loadChunk(from: next, upTo: end)
        }.flatMapError { error in
            self.logger.error("stopped loading transaction state", metadata: [
                "brook.partition": "\(self.topicPartitionName)", "error": "\(error)"])
            return self.activate()
        }
    }

    /// Applies every record in `chunk`; returns the offset after the last batch read.
    private func replay(_ chunk: ByteBuffer, from offset: Int64) -> Int64 {
        let batches: [RecordBatch]
        do {
            batches = try RecordBatch.decodeAll(chunk, maxDecompressedSize: 64 * 1024 * 1024)
        } catch {
            logger.error("undecodable batch in transaction state log", metadata: [
                "brook.partition": "\(topicPartitionName)", "offset": "\(offset)", "error": "\(error)"])
            return offset
        }
        var next = offset
        for batch in batches {
            next = max(next, batch.header.lastOffset.saturatingAdd(1))
            guard batch.controlRecord == nil else { continue }
            for record in batch.records where batch.offset(of: record) >= offset {
                guard let key = record.key else { continue }
                do {
                    let id = try TransactionLogRecord.decodeKey(key)
                    shard.replay(transactionalId: id, try record.value.map { try TransactionLogRecord.decodeValue(transactionalId: id, $0) })
                } catch {
                    logger.warning("skipping undecodable transaction state record", metadata: [
                        "brook.partition": "\(topicPartitionName)", "offset": "\(batch.offset(of: record))",
                        "error": "\(error)"])
                }
            }
        }
        return next
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
