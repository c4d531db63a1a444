import BrookStorage

/// Where a leader epoch ends on this leader's log: the answer of OffsetForLeaderEpoch and the
/// test behind a follower fetch's diverging epoch. Kafka's `LeaderEpochFileCache.endOffsetFor`,
/// on the leader's epoch entries.
///
/// Kafka's leader records its epoch in the cache when it is elected; Brook records an epoch at
/// its first append. So the current epoch, when it has no entry yet, counts as starting at the
/// offset where leadership began (`current`), which gives the answers Kafka's leader gives.
struct LeaderEpochLookup: Equatable, Sendable {
    /// Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET.
    static let undefined = LeaderEpochLookup(epoch: -1, endOffset: -1)

    var epoch: Int32
    var endOffset: Int64

    var isUndefined: Bool { epoch < 0 || endOffset < 0 }

    /// - `entries`: the log's epochs, oldest first; `current`: our leader epoch and where it began.
    /// - An epoch of -1 or newer than every known one: undefined. Our latest epoch: it ends at the
    ///   log end. Older than the first entry: that epoch, ending where the first entry starts (the
    ///   data before is gone). Otherwise the largest epoch at or below it, ending where the next starts.
    static func endOffset(for requested: Int32, entries: [EpochEntry], logEndOffset: Int64,
                          current: EpochEntry?) -> LeaderEpochLookup {
        var entries = entries
        if let current, current.epoch > (entries.last?.epoch ?? -1) {
            let start = max(current.startOffset, entries.last?.startOffset ?? 0)
            entries.append(EpochEntry(epoch: current.epoch, startOffset: start))
        }
        guard requested >= 0, let latest = entries.last else { return .undefined }
        if requested == latest.epoch { return .init(epoch: requested, endOffset: logEndOffset) }
        guard let next = entries.firstIndex(where: { $0.epoch > requested }) else { return .undefined }
        let nextStart = entries[next].startOffset
        return next == 0 ? .init(epoch: requested, endOffset: nextStart)
            : .init(epoch: entries[next - 1].epoch, endOffset: nextStart)
    }
}
