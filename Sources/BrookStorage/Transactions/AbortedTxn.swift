/// One aborted transaction on a partition: the producer and the offsets from its first record to
/// its abort marker. read_committed consumers use the list to drop the aborted records.
public struct AbortedTxn: Sendable, Hashable {
    public var producerId: Int64
    public var firstOffset: Int64
    /// Offset of the abort marker.
    public var lastOffset: Int64
    /// The partition's last stable offset once the marker was written.
    public var lastStableOffset: Int64

    public init(producerId: Int64, firstOffset: Int64, lastOffset: Int64, lastStableOffset: Int64) {
        self.producerId = producerId
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.lastStableOffset = lastStableOffset
    }
}
