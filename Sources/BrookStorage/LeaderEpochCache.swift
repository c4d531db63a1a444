import Logging

/// The partition's leader epochs and the offset each began at, persisted in `leader-epoch-checkpoint`.
/// The file is opened only to be read at start-up and replaced on a change; no descriptor is kept.
final class LeaderEpochCache {
    private let file: LeaderEpochCheckpointFile
    private(set) var entries: [EpochEntry]
    /// True when the file was damaged and ignored: the owner rebuilds the entries from the log.
    let wasUnreadable: Bool

    /// Reads the checkpoint. A damaged file is logged and treated as empty (`wasUnreadable`), so a
    /// bad checkpoint never stops the partition from opening.
    init(directory: String, logger: Logger) {
        file = LeaderEpochCheckpointFile(path: directory + "/leader-epoch-checkpoint")
        do {
            entries = try file.read()
            wasUnreadable = false
        } catch {
            logger.warning("ignoring unreadable leader epoch checkpoint; rebuilding it from the log",
                           metadata: ["brook.file": "\(file.path)", "error": "\(error)"])
            entries = []
            wasUnreadable = true
        }
    }

    /// Replaces every entry (a rebuild from the log) and rewrites the file.
    func replaceAll(with rebuilt: [EpochEntry]) throws {
        entries = rebuilt
        try file.write(entries)
    }

    var latestEpoch: Int32? { entries.last?.epoch }

    /// Records that `epoch` starts at `startOffset` when it is newer than the latest known epoch.
    func assign(epoch: Int32, startOffset: Int64) throws {
        guard epoch >= 0, epoch > (latestEpoch ?? -1) else { return }
        entries.append(EpochEntry(epoch: epoch, startOffset: startOffset))
        try file.write(entries)
    }

    /// Drops epochs that start at or after `endOffset` (after a tail truncation).
    func truncate(fromEndOffset endOffset: Int64) throws {
        let kept = entries.filter { $0.startOffset < endOffset }
        guard kept.count != entries.count else { return }
        entries = kept
        try file.write(entries)
    }

    /// For OffsetForLeaderEpoch: the end offset of `epoch` (the start of the next larger epoch, or
    /// `logEndOffset` for the latest) and the largest epoch <= the requested one; nil if none.
    func endOffset(for epoch: Int32, logEndOffset: Int64) -> (epoch: Int32, endOffset: Int64)? {
        guard let index = entries.lastIndex(where: { $0.epoch <= epoch }) else { return nil }
        let end = index + 1 < entries.count ? entries[index + 1].startOffset : logEndOffset
        return (entries[index].epoch, end)
    }
}
