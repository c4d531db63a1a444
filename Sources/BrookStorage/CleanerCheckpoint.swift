/// The log cleaner's progress, kept in `<log dir>/cleaner-offset-checkpoint` as Kafka does: for each
/// compacted partition, the offset where its dirty (not yet cleaned) section starts. Same text format
/// as the recovery-point checkpoint, keyed by topic name and partition, written atomically.
public struct CleanerCheckpoint: Sendable {
    public static let fileName = "cleaner-offset-checkpoint"
    public let file: OffsetCheckpointFile

    /// The checkpoint of the data directory at `directory`.
    public init(directory: String) {
        file = OffsetCheckpointFile(path: directory + "/" + Self.fileName)
    }

    /// The stored first dirty offsets; empty when the file does not exist. Throws
    /// `StorageError.corruptCheckpoint` for a file that does not parse.
    public func read() throws -> [TopicPartition: Int64] {
        try file.read()
    }

    /// Replaces the file (temporary file, fsync, rename, directory fsync). Blocking: not on an event loop.
    public func write(_ offsets: [TopicPartition: Int64]) throws {
        try file.write(offsets)
    }

    /// Why a checkpointed offset could not be used as it stands.
    public enum Reset: Sendable, Equatable {
        /// Retention or DeleteRecords moved the log start past it: the records before are gone.
        case belowLogStart
        /// It is past the log end (a stale file, or a tail lost in recovery): nothing it says can be
        /// trusted, so the whole log is treated as dirty.
        case beyondLogEnd
    }

    /// Where a pass starts, given the checkpointed offset (nil: never cleaned), clamped as Kafka's
    /// LogCleanerManager does: below the log start it moves up to the log start; beyond the log end
    /// it starts over from the log start. `reset` says when the checkpoint should be rewritten.
    public static func firstDirtyOffset(checkpointed: Int64?, logStartOffset: Int64,
                                        logEndOffset: Int64) -> (offset: Int64, reset: Reset?) {
        guard let checkpointed else { return (logStartOffset, nil) }
        if checkpointed < logStartOffset { return (logStartOffset, .belowLogStart) }
        if checkpointed > logEndOffset { return (logStartOffset, .beyondLogEnd) }
        return (checkpointed, nil)
    }
}
