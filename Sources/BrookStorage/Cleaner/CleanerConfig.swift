/// Compaction settings of one log, named after Kafka's topic configs.
public struct CleanerConfig: Sendable, Hashable {
    /// `delete.retention.ms`: a tombstone is removed once its batch is older than this.
    public var deleteRetentionMs: Int64 = 86_400_000
    /// `min.compaction.lag.ms`: records newer than this stay uncompacted.
    public var minCompactionLagMs: Int64 = 0
    /// `max.compaction.lag.ms`: a dirty segment older than this is compacted whatever the dirty ratio.
    public var maxCompactionLagMs: Int64 = Int64.max
    /// `min.cleanable.dirty.ratio`: compaction starts when dirty bytes / all bytes reach this.
    public var minCleanableDirtyRatio: Double = 0.5
    /// Slots of the key → offset map (`log.cleaner.dedupe.buffer.size` / 24 bytes per slot).
    public var offsetMapSlots: Int = 1 << 20

    public init() {}
}
