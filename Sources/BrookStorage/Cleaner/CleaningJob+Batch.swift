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
        let batch = try RecordBatch.decode(bytes, maxDecompressedSize: Segment.maxDecompressedBatchSize)
        let discardable = header.isControl
            ? txns.controlBatch(header, records: batch.records) : txns.dataBatch(header)
        let dropAll = header.isControl ? discardable && horizonPassed(header) : discardable
        let kept: [Record]
        if dropAll {
            kept = []
        } else if header.isControl {
            kept = batch.records
        } else {
            kept = batch.records.filter { keeps($0, offset: batch.offset(of: $0), header: header, map: map, mapEnd: mapEnd) }
        }
        let removed = batch.records.count - kept.count
        if kept.isEmpty {
            guard header.hasProducerId, producerTails[header.producerId]?.isTail(header) == true else {
                return CleanedBatch(bytes: nil, removed: removed, horizon: nil)
            }
            let empty = batch.records.isEmpty ? bytes : try RecordBatch.emptied(header).encode()
            return CleanedBatch(bytes: empty, removed: removed, horizon: nil)
        }
        let removable = header.isControl ? discardable : kept.contains { $0.value == nil }
        let needsHorizon = removable && !header.hasDeleteHorizon
        var out = RecordBatch(header: header, records: kept)
        if needsHorizon {
            let (sum, overflow) = now.addingReportingOverflow(cleaner.deleteRetentionMs)
            out = out.withDeleteHorizon(overflow ? Int64.max : sum)
        }
        let horizon = removable ? out.header.deleteHorizonMs : nil
        // Offsets stay: the header keeps its base offset and last offset delta; the codec is the batch's own.
        let encoded = removed == 0 && !needsHorizon ? bytes : try out.encode()
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
