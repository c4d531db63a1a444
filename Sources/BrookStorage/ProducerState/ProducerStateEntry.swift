import BrookRecords

/// Where one producer batch landed: its sequence range and offsets. The last few are kept per
/// producer so a retried batch can be answered with its original offsets.
public struct ProducerBatchMetadata: Sendable, Hashable {
    public var firstSequence: Int32
    public var lastSequence: Int32
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var maxTimestamp: Int64

    public init(firstSequence: Int32, lastSequence: Int32, firstOffset: Int64, lastOffset: Int64, maxTimestamp: Int64) {
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.maxTimestamp = maxTimestamp
    }
}

/// What a partition knows about one producer id: its epoch, its last batches and its open transaction.
public struct ProducerStateEntry: Sendable, Hashable {
    /// How many batches are remembered for duplicate detection (Kafka's in-flight limit).
    public static let retainedBatches = 5

    public var producerId: Int64
    public var producerEpoch: Int16
    /// Coordinator epoch of the last transaction marker written for this producer, -1 if none.
    public var coordinatorEpoch: Int32
    /// Max timestamp of the last batch (or marker); drives `producer.id.expiration.ms`.
    public var lastTimestamp: Int64
    /// First offset of the transaction in progress on this partition, nil when none is open.
    public var currentTxnFirstOffset: Int64?
    /// Oldest first; at most `retainedBatches`.
    public var batches: [ProducerBatchMetadata]

    public init(producerId: Int64, producerEpoch: Int16, coordinatorEpoch: Int32 = -1, lastTimestamp: Int64 = -1,
                currentTxnFirstOffset: Int64? = nil, batches: [ProducerBatchMetadata] = []) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.coordinatorEpoch = coordinatorEpoch
        self.lastTimestamp = lastTimestamp
        self.currentTxnFirstOffset = currentTxnFirstOffset
        self.batches = batches
    }

    /// The last sequence number written in the current epoch, or -1 when none is remembered.
    public var lastSequence: Int32 { batches.last?.lastSequence ?? -1 }

    /// The remembered batch with exactly this epoch and sequence range (a retry), if any.
    public func duplicate(of header: RecordBatchHeader) -> ProducerBatchMetadata? {
        guard header.producerEpoch == producerEpoch else { return nil }
        let last = ProducerSequence.last(of: header)
        return batches.first { $0.firstSequence == header.baseSequence && $0.lastSequence == last }
    }

    /// Moves to `epoch`, forgetting the batches of an older one.
    mutating func updateEpoch(_ epoch: Int16) {
        if epoch != producerEpoch {
            producerEpoch = epoch
            batches.removeAll()
        }
    }

    /// Records a data batch written at `firstOffset...lastOffset`.
    mutating func record(_ header: RecordBatchHeader, firstOffset: Int64, lastOffset: Int64) {
        updateEpoch(header.producerEpoch)
        let metadata = ProducerBatchMetadata(
            firstSequence: header.baseSequence, lastSequence: ProducerSequence.last(of: header),
            firstOffset: firstOffset, lastOffset: lastOffset, maxTimestamp: header.maxTimestamp)
        batches.append(metadata)
        if batches.count > Self.retainedBatches { batches.removeFirst(batches.count - Self.retainedBatches) }
        lastTimestamp = header.maxTimestamp
        if header.isTransactional && currentTxnFirstOffset == nil { currentTxnFirstOffset = firstOffset }
    }
}

/// Sequence arithmetic: sequences wrap from Int32.max to 0.
public enum ProducerSequence {
    /// The sequence of the batch's last record.
    public static func last(of header: RecordBatchHeader) -> Int32 {
        // Int32 + Int32 cannot overflow Int64; a negative delta (only from a damaged log) is clamped.
        let sum = Int64(header.baseSequence) + Int64(header.lastOffsetDelta)
        return sum > Int64(Int32.max) ? Int32(sum - Int64(Int32.max) - 1) : Int32(clamping: sum)
    }

    /// Whether `next` directly follows `last`.
    public static func follows(_ next: Int32, last: Int32) -> Bool {
        next == (last == Int32.max ? 0 : last + 1)
    }
}
