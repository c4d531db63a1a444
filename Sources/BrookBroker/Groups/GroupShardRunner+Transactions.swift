import BrookCoordination
import BrookProtocol
import BrookRecords
import NIOCore

/// Transactional offset commits (TxnOffsetCommit): written to `__consumer_offsets` inside the
/// producer's transaction, held as pending, and applied to the shard only when the commit marker
/// lands (dropped on abort). Replaying the log on start-up follows the same rule.
extension GroupShardRunner {
    /// Checks and writes a TxnOffsetCommit; one error per partition, answered once durable.
    func commitTransactionalOffsets(_ input: OffsetCommitInput, producerId: Int64, producerEpoch: Int16)
        -> EventLoopFuture<[ErrorCode]> {
        eventLoop.flatSubmit {
            let count = input.partitions.count
            if let error = self.unavailableError {
                return self.eventLoop.makeSucceededFuture(Array(repeating: error, count: count))
            }
            guard let partition = self.partition else {
                return self.eventLoop.makeSucceededFuture(Array(repeating: .coordinatorNotAvailable, count: count))
            }
            let now = self.clock()
            let (errors, records) = self.shard.transactionalOffsetRecords(input, now: now)
            guard !records.isEmpty else { return self.eventLoop.makeSucceededFuture(errors) }
            // The coordinator writes in the producer's sequence on this partition.
            let entry = partition.producers.producers[producerId]
            let sequence = entry.map { $0.producerEpoch == producerEpoch ? $0.lastSequence &+ 1 : 0 } ?? 0
            var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: producerEpoch,
                                             baseSequence: max(0, sequence), isTransactional: true)
            for record in records { builder.append(key: record.encodeKey(), value: record.encodeValue(), timestamp: now) }
            let batch: ByteBuffer
            do {
                batch = try builder.build()
            } catch {
                return self.eventLoop.makeSucceededFuture(Array(repeating: .unknownServerError, count: count))
            }
            // Tracked: a term that ends first fails it (NOT_COORDINATOR), so this never lands in the next term.
            return self.tracked(partition.append([batch], durable: true, logAppendTime: false).map { _ in }).map {
                self.pendingTxnOffsets[producerId, default: []].append(contentsOf: records)
                return errors
            }.recover { error in
                Array(repeating: ErrorMapping.code(for: error), count: count)
            }
        }
    }

    /// A commit or abort marker for `producerId` is on this partition.
    func transactionCompleted(producerId: Int64, commit: Bool) -> EventLoopFuture<Void> {
        eventLoop.submit { self.settleTransaction(producerId: producerId, commit: commit, now: self.clock()) }
    }

    func settleTransaction(producerId: Int64, commit: Bool, now: Int64) {
        guard let records = pendingTxnOffsets.removeValue(forKey: producerId), commit else { return }
        for record in records { shard.replay(record, now: now) }
    }
}
