import BrookClient

/// How `consume -n N` cuts a poll short: the records to print, and where each partition must resume
/// so that the group's commit covers exactly the printed records.
///
/// A poll advances the consumer past everything it returned, so without rewinding, the offsets
/// committed on close would include records fetched but never printed (and the next run would skip
/// them).
struct CountLimit {
    /// Records still to print; `Int.max` without -n.
    private(set) var remaining: Int

    init(_ count: Int?) {
        remaining = count ?? Int.max
    }

    var isReached: Bool { remaining <= 0 }

    /// Takes what may still be printed from `records`. `resume` holds, for each partition with records
    /// left over, the offset of the first one: the consumer must seek there before committing.
    mutating func take(_ records: [ConsumerRecord]) -> (printed: ArraySlice<ConsumerRecord>, resume: [TopicPartition: Int64]) {
        let cut = min(records.count, max(remaining, 0))
        remaining -= cut
        var resume: [TopicPartition: Int64] = [:]
        for record in records[cut...] where resume[record.topicPartition] == nil {
            resume[record.topicPartition] = record.offset
        }
        return (records[..<cut], resume)
    }
}
