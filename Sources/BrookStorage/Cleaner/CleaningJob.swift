import BrookRecords

/// One compaction pass over a log, planned on the log's owner thread and run on any thread.
///
/// `PartitionLog.cleaningJob` takes the snapshot; `run()` reads the sealed segments by path
/// (they are immutable), builds the offset map and writes the cleaned copies to a staging folder;
/// `PartitionLog.installCleaned` swaps them in back on the owner thread.
public struct CleaningJob: Sendable {
    /// A sealed segment as the snapshot saw it.
    struct SegmentRef: Sendable {
        var baseOffset: Int64
        var logPath: String
        var size: Int
        var nextOffset: Int64
    }

    let directory: String
    let logConfig: LogConfig
    let cleaner: CleanerConfig
    /// Sealed segments from the log start up to the first uncleanable offset.
    let segments: [SegmentRef]
    /// Offsets below this were compacted by an earlier pass.
    public let firstDirtyOffset: Int64
    /// The end of the cleanable range (exclusive).
    public let uncleanableOffset: Int64
    let now: Int64
    /// Aborted transactions of the partition: their records are dropped and never shadow committed ones.
    let abortedTxns: [AbortedTxn]
    /// The batch to keep (if only as an empty header) for each producer that is still active.
    let producerTails: [Int64: ProducerTail]

    /// Whether a data batch belongs to an aborted transaction.
    func isAborted(_ header: RecordBatchHeader) -> Bool {
        header.isTransactional && !header.isControl && abortedTxns.contains {
            $0.producerId == header.producerId && header.baseOffset >= $0.firstOffset && header.lastOffset <= $0.lastOffset
        }
    }

    static let stagingName = ".cleaner-staging"
    static let swapName = ".cleaner-swap"
    var stagingDirectory: String { directory + "/" + Self.stagingName }
    var swapDirectory: String { directory + "/" + Self.swapName }
}

/// What a finished `CleaningJob.run()` left in the staging folder.
public struct CleaningResult: Sendable {
    /// A cleaned copy of one segment; `empty` when nothing in it survived.
    struct Staged: Sendable {
        var baseOffset: Int64
        var originalPath: String
        var empty: Bool
    }

    let job: CleaningJob
    let staged: [Staged]
    /// Where the next pass's dirty section starts (the end of what the offset map covered).
    public let cleanedUpTo: Int64
    public let bytesRead: Int
    public let bytesWritten: Int
    public let recordsRemoved: Int
    /// The earliest delete horizon among the batches this pass kept (tombstones or markers that a
    /// later pass may remove from then on); nil when there is none.
    public let nextDeleteHorizon: Int64?
    /// Time spent in `run()` (map, copy and fsync), for throughput figures.
    public let seconds: Double
}

extension CleaningResult {
    /// Makes the swap's renames durable (fsync of the partition folder); call off the event loop
    /// after `PartitionLog.installCleaned`. A crash before it leaves either the old or the new files,
    /// both complete.
    public func syncDirectory() throws {
        try FileSystem.sync(path: job.directory, directory: true)
    }
}
