import NIOCore

/// Builds one RecordBatch v2 from records appended in order: assigns offset deltas 0, 1, 2…,
/// timestamp deltas against the first record, lastOffsetDelta and maxTimestamp, then encodes
/// with compression and CRC.
public struct RecordBatchBuilder: Sendable {
    public var baseOffset: Int64
    public var partitionLeaderEpoch: Int32
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var codec: CompressionCodec
    /// Codec-specific level; nil for the library default.
    public var compressionLevel: Int32?
    public var isTransactional: Bool
    /// When set, the batch is LogAppendTime: base and max timestamp are this value and every
    /// record's timestamp delta is 0 (as Kafka's MemoryRecordsBuilder writes it).
    public var logAppendTime: Int64?
    public private(set) var records: [Record] = []
    private var baseTimestamp: Int64 = 0
    private var maxTimestamp: Int64 = -1

    public init(
        codec: CompressionCodec = .none, baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = -1,
        producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
        isTransactional: Bool = false, logAppendTime: Int64? = nil, compressionLevel: Int32? = nil
    ) {
        self.codec = codec
        self.baseOffset = baseOffset
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.isTransactional = isTransactional
        self.logAppendTime = logAppendTime
        self.compressionLevel = compressionLevel
    }

    /// Number of records appended so far.
    public var count: Int { records.count }

    /// Appends a record with a CreateTime `timestamp` (milliseconds).
    public mutating func append(
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64
    ) {
        if records.isEmpty { baseTimestamp = timestamp }
        maxTimestamp = records.isEmpty ? timestamp : max(maxTimestamp, timestamp)
        records.append(
            Record(
                offsetDelta: Int32(records.count), timestampDelta: timestamp &- baseTimestamp, key: key,
                value: value, headers: headers))
    }

    /// The batch as a value (header filled in, batchLength and CRC left for encoding).
    public func makeBatch() -> RecordBatch {
        var attributes = Int16(codec.rawValue)
        if isTransactional { attributes |= 0x10 }
        var base = baseTimestamp
        var maxTs = maxTimestamp
        var list = records
        if let logAppendTime {
            attributes |= 0x08
            base = logAppendTime
            maxTs = logAppendTime
            for i in list.indices { list[i].timestampDelta = 0 }
        }
        let header = RecordBatchHeader(
            baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch, attributes: attributes,
            lastOffsetDelta: Int32(max(0, list.count - 1)), baseTimestamp: base, maxTimestamp: maxTs,
            producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
            recordCount: Int32(list.count))
        return RecordBatch(header: header, records: list)
    }

    /// Encodes the complete batch (header, compressed records, batchLength, CRC32C).
    public func build(allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        try makeBatch().encode(allocator: allocator, compressionLevel: compressionLevel)
    }
}
