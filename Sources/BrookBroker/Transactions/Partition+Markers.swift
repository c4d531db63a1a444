import BrookRecords
import BrookStorage
import NIOCore

extension Partition {
    /// Writes a transaction's commit or abort marker (a control batch) for `producerId`, closing its
    /// open transaction here, and waits for fsync (of the abort's `.txnindex` entry too). Only the transaction coordinator (and the
    /// WriteTxnMarkers shell) calls this; Produce refuses control batches from clients.
    /// A marker from an epoch older than the producer's current one is refused (INVALID_PRODUCER_EPOCH).
    func appendMarker(producerId: Int64, producerEpoch: Int16, commit: Bool,
                      coordinatorEpoch: Int32) -> EventLoopFuture<Appended> {
        eventLoop.flatSubmit {
            let now = self.clock()
            let entry = self.producers.producers[producerId]
            if let entry, producerEpoch < entry.producerEpoch {
                return self.eventLoop.makeFailedFuture(ProducerStateError.invalidProducerEpoch(
                    producerId: producerId, epoch: producerEpoch, current: entry.producerEpoch).errorCode)
            }
            let batch = RecordBatch.control(commit ? .commit : .abort, coordinatorEpoch: coordinatorEpoch,
                                            producerId: producerId, producerEpoch: producerEpoch, timestamp: now)
            let result: Appended
            do {
                let bytes = try batch.encode()
                guard let header = RecordBatchHeader(peekingAt: bytes) else { throw StorageError.invalidBatch("marker") }
                let segmentsBefore = self.log.segmentCount
                let r = try self.log.append(batches: [bytes], leaderEpoch: self.replica.leaderEpoch, now: now)
                if self.log.segmentCount != segmentsBefore { self.snapshotProducers() }
                self.producers.record([header], firstOffset: r.firstOffset)
                self.producers.setCoordinatorEpoch(coordinatorEpoch, for: producerId)
                // Before the abort's last stable offset is taken below (single replica: HW = log end).
                self.apply(self.replica.leaderAppended(logEnd: self.log.logEndOffset))
                if !commit, let first = entry?.currentTxnFirstOffset {
                    let txn = AbortedTxn(producerId: producerId, firstOffset: first, lastOffset: r.lastOffset,
                                         lastStableOffset: self.currentOffsets.lastStableOffset)
                    self.abortedTxns.append(txn)
                    // Synced by the flush the durable reply below waits for.
                    try self.log.appendAbortedTxn(txn)
                }
                result = Appended(firstOffset: r.firstOffset, lastOffset: r.lastOffset, maxTimestamp: r.maxTimestamp,
                                  logStartOffset: self.log.logStartOffset)
            } catch {
                return self.eventLoop.makeFailedFuture(error)
            }
            // The last stable offset may have moved: read_committed waiters can read further.
            self.wakeFetchWaiters()
            self.wakeReplicaFetchWaiters()
            return self.awaitDurability(result, durable: true, now: now)
        }
    }

    /// Aborted transactions that overlap `[offset, upTo)`: Kafka's rule for a read_committed fetch.
    func abortedTxns(from offset: Int64, upTo: Int64) -> [AbortedTxn] {
        TransactionIndex.overlapping(abortedTxns, from: offset, upTo: upTo)
    }
}
