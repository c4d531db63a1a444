import NIOCore

/// The fixed 61-byte header of a Kafka RecordBatch (magic 2), as laid out on the wire and on disk.
///
/// Layout (Kafka protocol guide, "Record Batch"): baseOffset int64, batchLength int32,
/// partitionLeaderEpoch int32, magic int8, crc uint32, attributes int16, lastOffsetDelta int32,
/// baseTimestamp int64, maxTimestamp int64, producerId int64, producerEpoch int16,
/// baseSequence int32, recordCount int32. The CRC covers attributes through the end of the batch,
/// so the broker may rewrite baseOffset and partitionLeaderEpoch without recomputing it.
public struct RecordBatchHeader: Sendable, Hashable {
    public static let size = 61
    /// Bytes before `batchLength`'s span starts (baseOffset + batchLength).
    public static let logOverhead = 12
    public static let baseOffsetPosition = 0
    public static let batchLengthPosition = 8
    public static let partitionLeaderEpochPosition = 12
    public static let magicPosition = 16
    public static let crcPosition = 17
    public static let attributesPosition = 21
    public static let maxTimestampPosition = 35

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    public init(
        baseOffset: Int64 = 0, batchLength: Int32 = 0, partitionLeaderEpoch: Int32 = -1, magic: Int8 = 2,
        crc: UInt32 = 0, attributes: Int16 = 0, lastOffsetDelta: Int32 = 0, baseTimestamp: Int64 = 0,
        maxTimestamp: Int64 = 0, producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
        recordCount: Int32 = 0
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Reads a header from the first 61 readable bytes of `buffer` without moving its reader index.
    /// Returns nil when fewer than 61 bytes are readable. Does not validate anything.
    public init?(peekingAt buffer: ByteBuffer) {
        guard buffer.readableBytes >= Self.size else { return nil }
        let i = buffer.readerIndex
        self.baseOffset = buffer.getInteger(at: i, as: Int64.self)!
        self.batchLength = buffer.getInteger(at: i + 8, as: Int32.self)!
        self.partitionLeaderEpoch = buffer.getInteger(at: i + 12, as: Int32.self)!
        self.magic = buffer.getInteger(at: i + 16, as: Int8.self)!
        self.crc = buffer.getInteger(at: i + 17, as: UInt32.self)!
        self.attributes = buffer.getInteger(at: i + 21, as: Int16.self)!
        self.lastOffsetDelta = buffer.getInteger(at: i + 23, as: Int32.self)!
        self.baseTimestamp = buffer.getInteger(at: i + 27, as: Int64.self)!
        self.maxTimestamp = buffer.getInteger(at: i + 35, as: Int64.self)!
        self.producerId = buffer.getInteger(at: i + 43, as: Int64.self)!
        self.producerEpoch = buffer.getInteger(at: i + 51, as: Int16.self)!
        self.baseSequence = buffer.getInteger(at: i + 53, as: Int32.self)!
        self.recordCount = buffer.getInteger(at: i + 57, as: Int32.self)!
    }

    /// Writes the 61 header bytes at the writer index.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(batchLength)
        buffer.writeInteger(partitionLeaderEpoch)
        buffer.writeInteger(magic)
        buffer.writeInteger(crc)
        buffer.writeInteger(attributes)
        buffer.writeInteger(lastOffsetDelta)
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        buffer.writeInteger(baseSequence)
        buffer.writeInteger(recordCount)
    }

    /// Whole size of the batch on the wire: the 12 bytes of baseOffset and batchLength plus batchLength.
    public var totalSize: Int { Int(batchLength) + Self.logOverhead }
    /// baseOffset + lastOffsetDelta, saturating: both come from the wire or disk.
    public var lastOffset: Int64 { baseOffset.saturatingAdd(Int64(lastOffsetDelta)) }
    public var compression: CompressionCodec { CompressionCodec(rawValue: Int8(attributes & 0x07)) ?? .none }
    public var compressionBits: Int16 { attributes & 0x07 }
    public var timestampType: TimestampType { (attributes & 0x08) != 0 ? .logAppendTime : .createTime }
    public var isTransactional: Bool { (attributes & 0x10) != 0 }
    public var isControl: Bool { (attributes & 0x20) != 0 }
    public var hasDeleteHorizon: Bool { (attributes & 0x40) != 0 }
    public var hasProducerId: Bool { producerId >= 0 }
}

/// The compression codec of a batch (attributes bits 0–2).
public enum CompressionCodec: Int8, Sendable, CaseIterable {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4
}

/// Whether a batch's timestamps are the producer's (CreateTime) or the broker's (LogAppendTime).
public enum TimestampType: Int8, Sendable {
    case createTime = 0
    case logAppendTime = 1
}
