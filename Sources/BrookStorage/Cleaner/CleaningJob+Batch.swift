import BrookRecords
import NIOCore

/// One batch as it comes out of a cleaning pass.
struct CleanedBatch {
    /// The bytes to write, nil when the batch is dropped.
    var bytes: ByteBuffer?
    var removed: Int
    /// The kept batch's delete horizon when it still holds something a later pass may remove.
    var horizon: Int64?
}

extension CleaningJob {
    /// Decides what survives of one batch, walking `txns` forward.
    ///
    /// Data batches keep the records that are the latest for their key, minus tombstones past the
    /// batch's delete horizon; aborted data goes entirely. Markers stay until their transaction's data
    /// is gone and then until their horizon. A kept batch that now holds a tombstone or a discardable
    /// marker gets a horizon of now + `delete.retention.ms` (KIP-534), once. A producer's last batch
    /// is kept as an empty header when nothing else of it survives, so its sequence survives.
    func clean(_ header: RecordBatchHeader, bytes: ByteBuffer, map: OffsetMap, mapEnd: Int64,
               txns: inout CleanedTransactions) throws -> CleanedBatch {
        if header.isControl { return try cleanControl(header, bytes: bytes, txns: &txns) }
        let dropAll = txns.dataBatch(header)
        // First pass, one record at a time: what survives. Most batches keep everything and are
        // written back as they are, so no array of records is ever built for them.
        var total = 0
        var keptCount = 0
        var keptTombstone = false
        var reader = try BatchRecordReader(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize)
        while let record = try reader.next() {
            total += 1
            if !dropAll && keeps(record, offset: record.absoluteOffset(baseOffset: header.baseOffset), header: header,
                                 map: map, mapEnd: mapEnd) {
                keptCount += 1
                keptTombstone = keptTombstone || record.value == nil
            }
        }
        let removed = total - keptCount
        if keptCount == 0 { return try emptied(header, bytes: bytes, removed: removed, hadRecords: total > 0) }
        let needsHorizon = keptTombstone && !header.hasDeleteHorizon
        if removed == 0 && !needsHorizon {
            return CleanedBatch(bytes: bytes, removed: 0, horizon: keptTombstone ? header.deleteHorizonMs : nil)
        }
        var kept: [Record] = []
        kept.reserveCapacity(keptCount)
        reader = try BatchRecordReader(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize)
        while let record = try reader.next() {
            if keeps(record, offset: record.absoluteOffset(baseOffset: header.baseOffset), header: header,
                     map: map, mapEnd: mapEnd) {
                kept.append(record)
            }
        }
        return try rewritten(RecordBatch(header: header, records: kept), original: bytes, removed: removed,
                             removable: keptTombstone)
    }

    /// A transaction marker (one record): kept until its transaction's data is gone, then until its horizon.
    private func cleanControl(_ header: RecordBatchHeader, bytes: ByteBuffer,
                              txns: inout CleanedTransactions) throws -> CleanedBatch {
        let batch = try RecordBatch.decode(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize)
        let discardable = txns.controlBatch(header, records: batch.records)
        if discardable && horizonPassed(header) || batch.records.isEmpty {
            return try emptied(header, bytes: bytes, removed: batch.records.count, hadRecords: !batch.records.isEmpty)
        }
        return try rewritten(batch, original: bytes, removed: 0, removable: discardable)
    }

    /// A batch of which nothing survives: dropped, or kept as an empty header when it is its
    /// producer's last batch, so the producer's sequence survives.
    private func emptied(_ header: RecordBatchHeader, bytes: ByteBuffer, removed: Int, hadRecords: Bool) throws -> CleanedBatch {
        guard header.hasProducerId, producerTails[header.producerId]?.isTail(header) == true else {
            return CleanedBatch(bytes: nil, removed: removed, horizon: nil)
        }
        let empty = hadRecords ? try RecordBatch.emptied(header).encode() : bytes
        return CleanedBatch(bytes: empty, removed: removed, horizon: nil)
    }

    /// `batch` (the survivors) written back; a batch that now holds something a later pass may
    /// remove gets a delete horizon of now + `delete.retention.ms`, once.
    private func rewritten(_ batch: RecordBatch, original: ByteBuffer, removed: Int, removable: Bool) throws -> CleanedBatch {
        let needsHorizon = removable && !batch.header.hasDeleteHorizon
        var out = batch
        if needsHorizon {
            let (sum, overflow) = now.addingReportingOverflow(cleaner.deleteRetentionMs)
            out = out.withDeleteHorizon(overflow ? Int64.max : sum)
        }
        let horizon = removable ? out.header.deleteHorizonMs : nil
        // Offsets stay: the header keeps its base offset and last offset delta; the codec is the batch's own.
        let encoded = removed == 0 && !needsHorizon ? original : try out.encode()
        return CleanedBatch(bytes: encoded, removed: removed, horizon: horizon)
    }

    /// Whether the batch's delete horizon is set and reached.
    func horizonPassed(_ header: RecordBatchHeader) -> Bool {
        guard let horizon = header.deleteHorizonMs else { return false }
        return horizon <= now
    }

    /// Whether `record` at `offset` survives: it has a key, no later record has that key, and it is
    /// not a tombstone whose batch's delete horizon has passed. A tombstone beyond the offset map's
    /// end stays whatever its horizon: the older values it hides may not be removed in this pass.
    func keeps(_ record: Record, offset: Int64, header: RecordBatchHeader, map: OffsetMap, mapEnd: Int64) -> Bool {
        guard let key = record.key else { return false }
        if let latest = map.get(key.readableBytesView), latest > offset { return false }
        if record.value == nil, offset < mapEnd, horizonPassed(header) { return false }
        return true
    }
}
