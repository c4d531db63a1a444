import BrookCoordination
import BrookRecords
import NIOCore

/// Start-up: rebuild the shard by replaying its `__consumer_offsets` partition from the start.
extension GroupShardRunner {
    static let loadChunkBytes = 5 * 1024 * 1024  // offsets.load.buffer.size

    /// Takes the shard's partition, replays it, then activates the shard. Requests get
    /// COORDINATOR_LOAD_IN_PROGRESS until then. A shard closed meanwhile stops loading.
    func load(from partition: Partition) -> EventLoopFuture<Void> {
        precondition(partition.eventLoop === eventLoop, "a shard runs on its partition's event loop")
        return eventLoop.flatSubmit {
            guard self.status == .loading else { return self.eventLoop.makeSucceededVoidFuture() }
            self.partition = partition
            let offsets = partition.currentOffsets
            return self.loadChunk(from: offsets.logStartOffset, upTo: offsets.highWatermark, records: 0)
        }
    }

    private func loadChunk(from offset: Int64, upTo end: Int64, records: Int) -> EventLoopFuture<Void> {
        guard offset < end else { return activate(records: records) }
        // The runner shares the partition's event loop, so it may read the log directly; once the
        // shard is closed (shutdown) the log may be closed too, so stop reading.
        return eventLoop.submit { () -> ByteBuffer? in
            guard self.status == .loading, let partition = self.partition else { return nil }
            return try partition.log.read(from: offset, maxBytes: Self.loadChunkBytes, upTo: end, minOneBatch: true).records
        }.flatMap { chunk in
            guard let chunk else { return self.eventLoop.makeSucceededVoidFuture() }
            let (next, count) = self.replay(chunk, from: offset)
            guard next > offset else { return self.activate(records: records + count) }
            return self.loadChunk(from: next, upTo: end, records: records + count)
        }.flatMapError { error in
            self.logger.error("stopped loading group metadata", metadata: [
                "brook.partition": "\(self.topicPartitionName)", "error": "\(error)"])
            return self.activate(records: records)
        }
    }

    /// Applies every record in `chunk`; returns the offset after the last batch read.
    private func replay(_ chunk: ByteBuffer, from offset: Int64) -> (next: Int64, records: Int) {
        let batches: [RecordBatch]
        do {
            batches = try RecordBatch.decodeAll(chunk, maxDecompressedSize: 64 * 1024 * 1024)
        } catch {
            logger.error("undecodable batch in group metadata log", metadata: [
                "brook.partition": "\(topicPartitionName)", "offset": "\(offset)", "error": "\(error)"])
            return (offset, 0)
        }
        var next = offset
        var count = 0
        let now = clock()
        for batch in batches {
            next = max(next, batch.header.lastOffset.saturatingAdd(1))
            if let marker = batch.controlRecord {
                settleTransaction(producerId: batch.header.producerId, commit: marker.type == .commit, now: now)
                continue
            }
            for record in batch.records where batch.offset(of: record) >= offset {
                guard let key = record.key else { continue }
                do {
                    if let decoded = try OffsetsTopicRecord.decode(key: key, value: record.value) {
                        if batch.header.isTransactional {
                            pendingTxnOffsets[batch.header.producerId, default: []].append(decoded)
                        } else {
                            shard.replay(decoded, now: now)
                        }
                        count += 1
                    }
                } catch {
                    logger.warning("skipping undecodable group metadata record", metadata: [
                        "brook.partition": "\(topicPartitionName)", "offset": "\(batch.offset(of: record))",
                        "error": "\(error)"])
                }
            }
        }
        return (next, count)
    }

    /// For log lines (the partition is set by then).
    private var topicPartitionName: String { partition.map { "\($0.topicPartition)" } ?? "?" }

    private func activate(records: Int) -> EventLoopFuture<Void> {
        eventLoop.submit {
            guard self.status == .loading else { return }
            self.status = .active
            self.perform(self.shard.loadCompleted(now: self.clock()))
            if records > 0 {
                self.logger.info("loaded group metadata", metadata: [
                    "brook.partition": "\(self.topicPartitionName)", "records": "\(records)",
                    "groups": "\(self.shard.groups.count)", "consumerGroups": "\(self.shard.consumerGroups.count)"])
            }
        }
    }
}
