import NIOCore

/// What one `PartitionLog.append` call wrote.
public struct AppendResult: Sendable, Hashable {
    /// Offset assigned to the first record of the first batch.
    public var firstOffset: Int64
    /// Offset of the last record of the last batch.
    public var lastOffset: Int64
    /// Largest batch max timestamp among the appended batches (-1 if none carried one).
    public var maxTimestamp: Int64
    /// Bytes written to the log.
    public var bytes: Int
    /// Write-back to start now (on a thread pool), when enough was appended since the last one.
    public var writeBack: WriteBackRequest? = nil
}

/// What one `PartitionLog.read` call returned.
public struct LogReadResult: Sendable {
    /// Whole record batches, exactly as stored.
    public var records: ByteBuffer
    /// Base offset of the first returned batch; nil when `records` is empty.
    public var firstBatchOffset: Int64?
}
