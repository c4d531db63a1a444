import BrookStorage

/// ListOffsets v0's `old_style_offsets`: the rules of Kafka 3.9's `UnifiedLog.legacyFetchOffsetsBefore`
/// and `Partition.legacyFetchOffsetsForTimestamp`, as a pure function of the log's shape.
///
/// Candidate offsets are each segment's base offset (raised to the log start offset) stamped with the
/// segment file's last-modified time, plus the log end offset stamped `now` when the active segment
/// holds bytes. Latest (-1) starts from the newest candidate, earliest (-2) from the oldest, any other
/// timestamp from the newest candidate modified at or before it; from there at most `maxNumOffsets`
/// candidates are taken going back in time, newest offset first. A consumer (replica id -1) never sees
/// an offset above the high watermark: such offsets are replaced by the high watermark.
enum LegacyOffsets {
    static let latest: Int64 = -1
    static let earliest: Int64 = -2

    /// Nil when `maxNumOffsets` is negative: Kafka then fails allocating its result array and answers
    /// UNKNOWN_SERVER_ERROR. A huge count is harmless: it is capped by the number of candidates.
    static func offsets(before timestamp: Int64, maxNumOffsets: Int32, segments: [SegmentTime],
                        logStartOffset: Int64, logEndOffset: Int64, highWatermark: Int64?, now: Int64) -> [Int64]? {
        guard maxNumOffsets >= 0 else { return nil }
        var candidates = segments.map { (offset: max($0.baseOffset, logStartOffset), time: $0.lastModifiedMs) }
        if let last = segments.last, last.size > 0 {
            candidates.append((logEndOffset, now))
        }
        guard !candidates.isEmpty else { return [] }
        let start: Int
        switch timestamp {
        case latest: start = candidates.count - 1
        case earliest: start = 0
        default: start = candidates.lastIndex { $0.time <= timestamp } ?? -1
        }
        let count = min(Int(maxNumOffsets), start + 1)
        guard count > 0 else { return [] }
        let found = candidates[(start - count + 1)...start].map(\.offset).sorted(by: >)
        guard let highWatermark, found.contains(where: { $0 > highWatermark }) else { return found }
        return [highWatermark] + found.drop { $0 > highWatermark }
    }
}
