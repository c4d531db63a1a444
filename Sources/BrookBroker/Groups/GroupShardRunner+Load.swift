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
            return partition.replayInternalLog(
                from: offsets.logStartOffset, upTo: offsets.highWatermark, chunkBytes: Self.loadChunkBytes,
                logName: "group metadata", logger: self.logger, isLoading: { self.status == .loading },
                apply: { batch, chunkStart in self.replay(batch, from: chunkStart) }
            ).flatMap { records in self.activate(records: records) }
        }
    }

    /// Applies the records of `batch` from offset `from` on; returns how many it applied.
    private func replay(_ batch: RecordBatch, from offset: Int64) -> Int {
        let now = clock()
        if let marker = batch.controlRecord {
            settleTransaction(producerId: batch.header.producerId, commit: marker.type == .commit, now: now)
            return 0
        }
        var count = 0
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
        return count
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
