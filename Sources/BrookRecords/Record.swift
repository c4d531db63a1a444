import NIOCore

/// One header of a record: a UTF-8 key and an optional (nullable) byte value.
public struct RecordHeader: Sendable, Hashable {
    public var key: String
    public var value: ByteBuffer?

    public init(key: String, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

/// One record of a RecordBatch v2, with its fields as they sit on the wire (deltas against the
/// batch's baseOffset and baseTimestamp). Use `RecordBatch.offset(of:)` / `timestamp(of:)` or
/// `absoluteOffset(baseOffset:)` for absolute values.
public struct Record: Sendable, Hashable {
    /// Record-level attributes (unused by Kafka today, always 0).
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]

    public init(
        offsetDelta: Int32, timestampDelta: Int64 = 0, key: ByteBuffer?, value: ByteBuffer?,
        headers: [RecordHeader] = [], attributes: Int8 = 0
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The record's offset given its batch's base offset.
    public func absoluteOffset(baseOffset: Int64) -> Int64 { baseOffset.saturatingAdd(Int64(offsetDelta)) }

    /// The record's CreateTime given its batch's base timestamp.
    public func absoluteTimestamp(baseTimestamp: Int64) -> Int64 { baseTimestamp &+ timestampDelta }
}
