import BrookCoordination
import BrookRecords
import NIOCore

/// A term begins: rebuild the shard by replaying its `__consumer_offsets` partition from the start.
extension GroupShardRunner {
    static let loadChunkBytes = 5 * 1024 * 1024  // offsets.load.buffer.size

    /// Serves `partition` as it is now: loads when this broker leads it, resigns otherwise (a
    /// cluster's shards when the topic opens; the roles change later through `load`/`resign`).
    func follow(_ partition: Partition) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            guard partition.replica.isLeader else { return self.resign() }
            return self.load(from: partition, leaderEpoch: partition.replica.leaderEpoch)
        }
    }

    /// This broker leads `partition` at `leaderEpoch`: takes it, replays it from a fresh shard (a
    /// previous term's state is dropped first), then activates the shard. Requests get
    /// COORDINATOR_LOAD_IN_PROGRESS until then. Nothing happens when this term is already loading
    /// or served; a term that ends meanwhile stops loading. A partition that does not lead (any
    /// more) makes the shard resign instead.
    func load(from partition: Partition, leaderEpoch: Int32 = 0) -> EventLoopFuture<Void> {
        precondition(partition.eventLoop === eventLoop, "a shard runs on its partition's event loop")
        return eventLoop.flatSubmit {
            guard partition.replica.isLeader else { return self.resign() }
            guard case .load(let generation, let unloadFirst) = self.lifecycle.elected(leaderEpoch: leaderEpoch) else {
                return self.termLoaded ?? self.eventLoop.makeSucceededVoidFuture()
            }
            if unloadFirst { self.endTerm() }
            self.partition = partition
            let loaded = self.replayToEnd(partition, from: partition.currentOffsets.logStartOffset,
                                          generation: generation, applied: 0)
            self.termLoaded = loaded
            return loaded
        }
    }

    /// Replays to the log end (as leader, everything in our log stays: followers truncate to it),
    /// then on to where the end moved meanwhile (transaction markers land while a shard loads), and
    /// activates in the same step that found nothing more to read, so no record is missed.
    private func replayToEnd(_ partition: Partition, from start: Int64, generation: UInt64,
                             applied: Int) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        let end = partition.currentOffsets.logEndOffset
        guard start < end, lifecycle.isCurrent(generation) else {
            activate(records: applied, generation: generation)
            return eventLoop.makeSucceededVoidFuture()
        }
        return partition.replayInternalLog(
            from: start, upTo: end, chunkBytes: Self.loadChunkBytes, logName: "group metadata", logger: logger,
            isLoading: { self.lifecycle.isCurrent(generation) && !self.lifecycle.isActive },
            apply: { batch, chunkStart in
                self.lifecycle.isCurrent(generation) ? self.replay(batch, from: chunkStart) : 0
            }
        ).flatMap { records in
            self.replayToEnd(partition, from: end, generation: generation, applied: applied + records)
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

    private func activate(records: Int, generation: UInt64) {
        guard lifecycle.loaded(generation: generation) else { return }
        perform(shard.loadCompleted(now: clock()))
        if records > 0 {
            logger.info("loaded group metadata", metadata: [
                "brook.partition": "\(topicPartitionName)", "records": "\(records)",
                "groups": "\(shard.groups.count)", "consumerGroups": "\(shard.consumerGroups.count)"])
        }
    }
}
