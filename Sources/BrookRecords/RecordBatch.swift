import NIOCore

/// A decoded RecordBatch v2: its header and its (decompressed) records.
public struct RecordBatch: Sendable, Hashable {
    public var header: RecordBatchHeader
    public var records: [Record]

    public init(header: RecordBatchHeader, records: [Record]) {
        self.header = header
        self.records = records
    }

    /// Absolute offset of `record`.
    public func offset(of record: Record) -> Int64 { record.absoluteOffset(baseOffset: header.baseOffset) }

    /// Timestamp of `record` as consumers see it: maxTimestamp for LogAppendTime batches,
    /// baseTimestamp + timestampDelta otherwise.
    public func timestamp(of record: Record) -> Int64 {
        header.timestampType == .logAppendTime
            ? header.maxTimestamp : record.absoluteTimestamp(baseTimestamp: header.baseTimestamp)
    }

    /// The transaction marker of a control batch, nil for data batches.
    public var controlRecord: ControlRecord? {
        guard header.isControl, let first = records.first else { return nil }
        return ControlRecord(key: first.key, value: first.value)
    }

    /// A control batch holding one commit/abort marker (transactional + control attributes set).
    public static func control(
        _ type: ControlRecordType, coordinatorEpoch: Int32, producerId: Int64, producerEpoch: Int16,
        timestamp: Int64, baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = -1
    ) -> RecordBatch {
        let marker = ControlRecord(type: type, coordinatorEpoch: coordinatorEpoch)
        let header = RecordBatchHeader(
            baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch, attributes: 0x10 | 0x20,
            lastOffsetDelta: 0, baseTimestamp: timestamp, maxTimestamp: timestamp, producerId: producerId,
            producerEpoch: producerEpoch, baseSequence: -1, recordCount: 1)
        return RecordBatch(header: header, records: [Record(offsetDelta: 0, key: marker.key, value: marker.value)])
    }
}
