/// Per-topic log settings, named after Kafka's topic configs (`segment.bytes`, `flush.ms`, ...).
public struct LogConfig: Sendable, Hashable {
    /// `segment.bytes`: roll to a new segment before the active one would exceed this size.
    public var segmentBytes: Int
    /// `segment.ms`: roll when the incoming batch is this much newer than the segment's first batch.
    public var segmentMs: Int64
    /// `index.interval.bytes`: bytes of log between two sparse index entries.
    public var indexIntervalBytes: Int
    /// `segment.index.bytes`: maximum size of one offset or time index file.
    public var segmentIndexBytes: Int
    /// `flush.messages`: fsync after this many unflushed offsets.
    public var flushMessages: Int64
    /// `flush.ms`: fsync when unflushed data is older than this.
    public var flushMs: Int64
    /// `retention.ms`: sealed segments whose newest batch is older than this are deleted; -1 keeps all.
    public var retentionMs: Int64
    /// `retention.bytes`: oldest sealed segments are deleted while the log is larger; -1 keeps all.
    public var retentionBytes: Int64
    /// `max.message.bytes`: largest batch accepted (checked by the validator, used by recovery bounds).
    public var maxMessageBytes: Int
    /// Not a Kafka setting: bytes appended to a segment between two early write-back kicks
    /// (`WriteBackPolicy`); 0 leaves write-back to the kernel.
    public var writeBackBytes: Int

    public init(
        segmentBytes: Int = 1_073_741_824,
        segmentMs: Int64 = 604_800_000,
        indexIntervalBytes: Int = 4096,
        segmentIndexBytes: Int = 10_485_760,
        flushMessages: Int64 = Int64.max,
        flushMs: Int64 = Int64.max,
        retentionMs: Int64 = 604_800_000,
        retentionBytes: Int64 = -1,
        maxMessageBytes: Int = 1_048_588,
        writeBackBytes: Int = 4 * 1024 * 1024
    ) {
        self.segmentBytes = segmentBytes
        self.segmentMs = segmentMs
        self.indexIntervalBytes = indexIntervalBytes
        self.segmentIndexBytes = segmentIndexBytes
        self.flushMessages = flushMessages
        self.flushMs = flushMs
        self.retentionMs = retentionMs
        self.retentionBytes = retentionBytes
        self.maxMessageBytes = maxMessageBytes
        self.writeBackBytes = writeBackBytes
    }
}
