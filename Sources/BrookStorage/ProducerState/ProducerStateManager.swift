import BrookRecords

/// One partition's producer state (KIP-98): per producer id the epoch, the last batches' sequence
/// ranges and any open transaction. A value: the owning partition checks a client's batches with
/// `check(_:nextOffset:)`, appends them, then records them with `record(_:firstOffset:)`.
public struct ProducerStateManager: Sendable {
    /// Producers by id.
    public private(set) var producers: [Int64: ProducerStateEntry] = [:]
    /// The state reflects every batch below this offset (the log end when it is current).
    public private(set) var mapEndOffset: Int64

    /// Outcome of checking a client's batches against the state.
    public enum Check: Sendable, Hashable {
        /// Append the batches.
        case append
        /// A retry of a batch already written: answer with its original offsets, append nothing.
        case duplicate(ProducerBatchMetadata)
    }

    public init(mapEndOffset: Int64, producers: [Int64: ProducerStateEntry] = [:]) {
        self.mapEndOffset = mapEndOffset
        self.producers = producers
    }

    /// Checks a client's batches, in order, as they would be appended at `nextOffset`.
    public func check(_ headers: [RecordBatchHeader]) throws(ProducerStateError) -> Check {
        var pending: [Int64: ProducerStateEntry] = [:]
        for header in headers where header.hasProducerId {
            let id = header.producerId
            let current = pending[id] ?? producers[id]
            if let current, let duplicate = current.duplicate(of: header) { return .duplicate(duplicate) }
            try Self.checkEpochAndSequence(header, current: current)
            var entry = current ?? ProducerStateEntry(producerId: id, producerEpoch: header.producerEpoch)
            entry.record(header, firstOffset: -1, lastOffset: -1)
            pending[id] = entry
        }
        return .append
    }

    /// Kafka's rules for client appends. An unknown producer may start at any sequence (its state may
    /// have expired or been removed with the log); a new epoch must start at sequence 0.
    static func checkEpochAndSequence(_ header: RecordBatchHeader, current: ProducerStateEntry?) throws(ProducerStateError) {
        guard let current else { return }
        if header.producerEpoch < current.producerEpoch {
            throw .invalidProducerEpoch(producerId: header.producerId, epoch: header.producerEpoch,
                                        current: current.producerEpoch)
        }
        if header.producerEpoch > current.producerEpoch {
            if header.baseSequence != 0 {
                throw .outOfOrderSequence(producerId: header.producerId, expected: 0, received: header.baseSequence)
            }
            return
        }
        let last = current.lastSequence
        if !ProducerSequence.follows(header.baseSequence, last: last) {
            throw .outOfOrderSequence(producerId: header.producerId, expected: last == Int32.max ? 0 : last + 1,
                                      received: header.baseSequence)
        }
    }

    /// Records batches written from `firstOffset` on (client appends after `check`, or log replay).
    /// Control batches close the producer's open transaction.
    public mutating func record(_ headers: [RecordBatchHeader], firstOffset: Int64) {
        var offset = firstOffset
        for header in headers {
            let last = offset.saturatingAdd(Int64(header.lastOffsetDelta))
            record(header, firstOffset: offset, lastOffset: last)
            offset = last.saturatingAdd(1)
        }
    }

    /// Records one batch at its offsets.
    public mutating func record(_ header: RecordBatchHeader, firstOffset: Int64, lastOffset: Int64) {
        defer { mapEndOffset = max(mapEndOffset, lastOffset.saturatingAdd(1)) }
        guard header.hasProducerId else { return }
        let id = header.producerId
        var entry = producers[id] ?? ProducerStateEntry(producerId: id, producerEpoch: header.producerEpoch)
        if header.isControl {
            entry.updateEpoch(header.producerEpoch)
            entry.currentTxnFirstOffset = nil
            entry.lastTimestamp = header.maxTimestamp
        } else {
            entry.record(header, firstOffset: firstOffset, lastOffset: lastOffset)
        }
        producers[id] = entry
    }

    /// Whether `producerId` at `epoch` has a transaction open in this partition (Kafka's
    /// `hasOngoingTransaction`): its batches were verified when the transaction's first one arrived.
    public func hasOngoingTransaction(producerId: Int64, epoch: Int16) -> Bool {
        guard let entry = producers[producerId] else { return false }
        return entry.producerEpoch == epoch && entry.currentTxnFirstOffset != nil
    }

    /// Records the coordinator epoch of a marker written for `producerId`.
    public mutating func setCoordinatorEpoch(_ epoch: Int32, for producerId: Int64) {
        producers[producerId]?.coordinatorEpoch = epoch
    }

    /// Forgets producers idle for `expirationMs` (`producer.id.expiration.ms`) with no open transaction.
    /// Returns how many were removed.
    @discardableResult
    public mutating func removeExpired(now: Int64, expirationMs: Int64) -> Int {
        let expired = producers.values.filter {
            $0.currentTxnFirstOffset == nil && now.saturatingSubtract($0.lastTimestamp) >= expirationMs
        }.map(\.producerId)
        for id in expired { producers.removeValue(forKey: id) }
        return expired.count
    }

    /// Drops everything at or after `offset` (log truncation): the state is rebuilt from there.
    public mutating func reset(mapEndOffset: Int64) {
        producers.removeAll()
        self.mapEndOffset = mapEndOffset
    }

    /// The first offset of the oldest open transaction, nil when none is open.
    public var firstUnstableOffset: Int64? {
        producers.values.compactMap(\.currentTxnFirstOffset).min()
    }
}
