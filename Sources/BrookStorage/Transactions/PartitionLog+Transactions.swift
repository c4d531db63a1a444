import BrookRecords
import NIOCore

extension PartitionLog {
    /// Records an aborted transaction in the `.txnindex` of the segment holding its abort marker
    /// (`txn.lastOffset`, just appended). The file is fsynced by the next flush, so a durable append
    /// of the marker waits for its entry too.
    public func appendAbortedTxn(_ txn: AbortedTxn) throws {
        try checkOpen()
        let segment = segments[segmentIndex(containing: txn.lastOffset)]
        let path = segment.txnIndexPath
        // A new file needs its directory entry synced as well.
        if !FileSystem.exists(path) { directoryGeneration += 1 }
        try health.guarding { try TransactionIndex.append([txn], to: path) }
        unsyncedTxnIndexes.insert(path)
    }

    /// Drops the active segment's `.txnindex` entries whose marker is at or after `offset` (log truncation).
    func truncateAbortedTxns(from offset: Int64) throws {
        let path = activeSegment.txnIndexPath
        guard FileSystem.exists(path) else { return }
        try TransactionIndex.rewrite(try TransactionIndex.load(from: path).filter { $0.lastOffset < offset }, at: path)
    }

    /// The aborted transactions of every segment, oldest first, read from the `.txnindex` files.
    public func loadAbortedTxns() throws -> [AbortedTxn] {
        try checkOpen()
        return try segments.flatMap { try TransactionIndex.load(from: $0.txnIndexPath) }
    }

    /// Producer state and aborted transactions on open.
    ///
    /// After a clean shutdown: `loadProducerState()` and the `.txnindex` files. After an unclean one
    /// the segments scanned by recovery (from `recoveredFromOffset`) may hold abort markers whose
    /// entries never reached disk, so their `.txnindex` files are rebuilt from the log: the producer
    /// state is loaded from the newest snapshot at or below that offset and replayed to the log end,
    /// and each abort marker met on the way gives an entry whose first offset is the producer's
    /// open-transaction first offset just before the marker (see `replayProducerState`).
    public func loadTransactionState() throws -> (producers: ProducerStateManager, abortedTxns: [AbortedTxn]) {
        try checkOpen()
        guard let from = recoveredFromOffset else { return (try loadProducerState(), try loadAbortedTxns()) }
        var rebuilt: [AbortedTxn] = []
        let producers = try loadProducerState(snapshotAtOrBelow: from) { txn in
            if txn.lastOffset >= from { rebuilt.append(txn) }
        }
        var txns: [AbortedTxn] = []
        for segment in segments {
            if segment.baseOffset < from {
                txns += try TransactionIndex.load(from: segment.txnIndexPath)
            } else {
                let own = rebuilt.filter { $0.lastOffset >= segment.baseOffset && $0.lastOffset < segment.nextOffset }
                try TransactionIndex.rewrite(own, at: segment.txnIndexPath)
                txns += own
            }
        }
        if !rebuilt.isEmpty {
            logger.info("rebuilt aborted transactions from the log", metadata: ["brook.count": "\(rebuilt.count)"])
        }
        return (producers, txns)
    }

    /// The aborted transaction an abort marker closes, or nil for a commit marker or when the producer
    /// has no data to hide. `openFirst` is the transaction's first offset as the state knew it.
    static func abortedTxn(marker header: RecordBatchHeader, bytes: ByteBuffer, openFirst: Int64?,
                           stateAfter: ProducerStateManager) -> AbortedTxn? {
        guard let openFirst,
              let batch = try? RecordBatch.decode(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize),
              batch.controlRecord?.type == .abort
        else { return nil }
        let lastStable = min(header.lastOffset.saturatingAdd(1), stateAfter.firstUnstableOffset ?? Int64.max)
        return AbortedTxn(producerId: header.producerId, firstOffset: openFirst, lastOffset: header.lastOffset,
                          lastStableOffset: lastStable)
    }
}
