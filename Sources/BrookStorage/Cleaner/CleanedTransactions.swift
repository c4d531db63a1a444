import BrookRecords

/// What a cleaning pass knows about transactions while it walks the log in offset order: which
/// data batches belong to aborted transactions (dropped) and which markers may go.
///
/// Kafka's rules (KIP-98 with the cleaner): an abort marker stays while any batch of its transaction
/// was still met in this pass (those batches are being dropped now, and the `.txnindex` entry stays
/// with the marker); a commit marker stays while any batch of its transaction is still in the log.
/// Once a marker has no data left it is discardable, and is actually removed after its delete horizon.
struct CleanedTransactions {
    private struct OpenAbort {
        var txn: AbortedTxn
        var sawBatch = false
    }

    /// Aborted transactions not yet reached, by first offset.
    private var pending: ArraySlice<AbortedTxn>
    private var openAborts: [Int64: OpenAbort] = [:]
    private var openCommits: Set<Int64> = []
    /// Aborted transactions whose markers survive this pass because their data was met.
    private(set) var retainedAborts: [AbortedTxn] = []

    init(abortedTxns: [AbortedTxn]) {
        pending = abortedTxns.sorted { $0.firstOffset < $1.firstOffset }[...]
    }

    /// A data batch: true when it belongs to an aborted transaction (drop its records).
    mutating func dataBatch(_ header: RecordBatchHeader) -> Bool {
        startTransactions(upTo: header.lastOffset)
        guard header.isTransactional else { return false }
        if openAborts[header.producerId] != nil {
            openAborts[header.producerId]?.sawBatch = true
            return true
        }
        openCommits.insert(header.producerId)
        return false
    }

    /// A control batch: true when its marker no longer guards any data (it may be removed once
    /// its delete horizon has passed).
    mutating func controlBatch(_ header: RecordBatchHeader, records: [Record]) -> Bool {
        startTransactions(upTo: header.lastOffset)
        // An emptied control batch: a previous pass already decided the marker could go.
        guard let first = records.first else { return true }
        let producerId = header.producerId
        switch ControlRecord(key: first.key, value: first.value)?.type {
        case .abort:
            guard let open = openAborts.removeValue(forKey: producerId), open.sawBatch else { return true }
            retainedAborts.append(open.txn)
            return false
        case .commit:
            return openCommits.remove(producerId) == nil
        case nil:
            // A control record this version doesn't know: keep it.
            return false
        }
    }

    private mutating func startTransactions(upTo offset: Int64) {
        while let next = pending.first, next.firstOffset <= offset {
            openAborts[next.producerId] = OpenAbort(txn: next)
            pending = pending.dropFirst()
        }
    }
}

/// The last batch a cleaning pass must keep for one producer that is still active, so its state
/// (last sequence, or last epoch when the last thing written was a marker) survives a rebuild from the log.
public struct ProducerTail: Sendable, Hashable {
    /// Last offset of the producer's last data batch, nil when only a marker carries its epoch.
    public var lastDataOffset: Int64?
    public var producerEpoch: Int16

    public init(lastDataOffset: Int64?, producerEpoch: Int16) {
        self.lastDataOffset = lastDataOffset
        self.producerEpoch = producerEpoch
    }

    /// Whether `header` is that batch.
    func isTail(_ header: RecordBatchHeader) -> Bool {
        if let lastDataOffset { return header.lastOffset == lastDataOffset }
        return header.isControl && header.producerEpoch == producerEpoch
    }
}
