extension PartitionLog {
    /// Bytes in all segment files (DescribeLogDirs, retention.bytes).
    public var sizeInBytes: Int64 { segments.reduce(0) { $0 + Int64($1.size) } }

    /// ListOffsets -3 (KIP-734): the first record carrying the largest timestamp in the log, as
    /// (offset, timestamp); nil for an empty log.
    public func offsetOfMaxTimestamp() throws -> (offset: Int64, timestamp: Int64)? {
        try checkOpen()
        let largest = segments.filter { $0.nextOffset > logStartOffset }.map(\.maxTimestampSoFar).max() ?? -1
        guard largest >= 0 else { return nil }
        return try offsetForTimestamp(largest)
    }
}
