import NIOCore

// What the log cleaner does to a batch besides dropping records (KIP-534 and KIP-98).
//
// A batch with the delete-horizon attribute (bit 6) carries the horizon in its baseTimestamp field,
// and its records' timestamp deltas are relative to that field, so every record keeps its timestamp.
extension RecordBatchHeader {
    /// The time after which the cleaner may drop this batch's tombstones (or the batch, for a
    /// transaction marker whose data is gone); nil when no horizon was set.
    public var deleteHorizonMs: Int64? { hasDeleteHorizon ? baseTimestamp : nil }
}

extension RecordBatch {
    /// The batch with `horizon` as its delete horizon: the attribute set, baseTimestamp moved to
    /// `horizon` and record deltas shifted by the same amount. maxTimestamp is unchanged.
    public func withDeleteHorizon(_ horizon: Int64) -> RecordBatch {
        var copy = self
        let shift = header.baseTimestamp &- horizon
        copy.header.attributes |= 0x40
        copy.header.baseTimestamp = horizon
        for i in copy.records.indices { copy.records[i].timestampDelta = copy.records[i].timestampDelta &+ shift }
        return copy
    }

    /// A batch with no records that keeps `header`'s offsets, producer id, epoch and sequence (so a
    /// producer's last sequence survives compaction); uncompressed, timestamps set to maxTimestamp.
    public static func emptied(_ header: RecordBatchHeader) -> RecordBatch {
        var h = header
        h.attributes = header.attributes & (0x08 | 0x10 | 0x20)
        h.baseTimestamp = header.maxTimestamp
        return RecordBatch(header: h, records: [])
    }
}
