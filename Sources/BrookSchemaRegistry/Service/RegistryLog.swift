/// The storage seam under the registry: an ordered, durable log of `_schemas` records.
///
/// The lead's implementation is the compacted `_schemas` topic (one partition); tests use
/// `InMemoryRegistryLog`. Offsets are the topic's: increasing, possibly with gaps (compaction,
/// control records), which is why a batch says where to read next.
public protocol RegistryLog: Sendable {
    /// Appends `records` in order and returns once all are durable (acks=all), with the offset one
    /// past the last of them. Throwing means none or only some may have been written; the registry
    /// answers 50001 and the records that did land are applied like any other.
    func append(_ records: [RegistryLogRecord]) async throws -> Int64

    /// Records at `offset` and after, in order. When there are none yet it may wait (long poll)
    /// until some arrive, its own timeout passes or the task is cancelled, and then return an empty
    /// batch; it must not return an empty batch at once in a loop.
    func read(from offset: Int64) async throws -> RegistryLogBatch

    /// The offset one past the last record now in the log (Kafka's high watermark).
    func endOffset() async throws -> Int64

    /// Called before each write: a log shared by several registries makes this one the writer here
    /// (everything it decides after catching up is then fenced if another registry becomes the
    /// writer before it appends). See `RegistryWriterTenure` for what the answer promises.
    func prepareWrite() async throws -> RegistryWriterTenure
}

extension RegistryLog {
    public func prepareWrite() async throws -> RegistryWriterTenure { .shared }
}

/// What `RegistryLog.prepareWrite` promises about who else writes to the log.
public enum RegistryWriterTenure: Sendable {
    /// No promise (anyone may append at any time): catch up before every write, and read back
    /// whatever lands between the catch-up and the write's own records.
    case shared
    /// This registry just became the only writer: nothing committed can appear in the log from now
    /// on but its own appends, until a later call answers `.began` again (after a failed append).
    case began
    /// Still the only writer since the last `.began`, and every append since succeeded: a registry
    /// that applied its own appends is caught up without reading.
    case continued
}

/// Records read from a `RegistryLog`.
public struct RegistryLogBatch: Sendable {
    public var entries: [Entry]
    /// Where the next read starts: past the last entry, or past records the log skipped.
    public var nextOffset: Int64

    public struct Entry: Sendable {
        public var offset: Int64
        public var record: RegistryLogRecord

        public init(offset: Int64, record: RegistryLogRecord) {
            self.offset = offset
            self.record = record
        }
    }

    public init(entries: [Entry], nextOffset: Int64) {
        self.entries = entries
        self.nextOffset = nextOffset
    }
}

/// Errors a `RegistryLog` may throw to choose Confluent's code: a timeout answers 50002; any other
/// error answers 50001.
public enum RegistryLogError: Error, Sendable {
    case timedOut(String)
    /// Another registry became the log's writer after this one caught up: nothing of this append
    /// was written (or ever becomes visible); the registry catches up and decides again.
    case fenced
}
