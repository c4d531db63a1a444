/// Where a partition's position should be looked up.
public enum OffsetSpec: Sendable, Equatable {
    /// The log start offset.
    case earliest
    /// The log end offset (the last stable offset for read_committed).
    case latest
    /// The first offset whose timestamp is at or after this many milliseconds since the epoch
    /// (the end of the log when there is none).
    case timestamp(Int64)

    /// ListOffsets' encoding: -2 earliest, -1 latest, else the timestamp.
    var listOffsetsTimestamp: Int64 {
        switch self {
        case .earliest: return -2
        case .latest: return -1
        case .timestamp(let millis): return millis
        }
    }
}

/// What a consumer reads: the assigned partitions, the next offset of each, what is paused, and
/// the latest watermarks seen. A value owned by the consumer actor.
struct SubscriptionState {
    enum Mode: Equatable {
        case none
        case assigned
        case subscribed([String])
    }

    var mode: Mode = .none
    private(set) var assignment: [TopicPartition] = []
    /// Next offset to fetch; absent until known.
    var positions: [TopicPartition: Int64] = [:]
    /// Positions to look up (explicit seeks to beginning/end/time, or resets).
    var pendingLookups: [TopicPartition: OffsetSpec] = [:]
    var paused: Set<TopicPartition> = []
    var highWatermarks: [TopicPartition: Int64] = [:]
    var lastStableOffsets: [TopicPartition: Int64] = [:]
    var logStartOffsets: [TopicPartition: Int64] = [:]

    /// Replaces the assignment; positions of partitions that stay are kept.
    mutating func assign(_ partitions: [TopicPartition]) {
        let keep = Set(partitions)
        assignment = Array(keep).sorted()
        positions = positions.filter { keep.contains($0.key) }
        pendingLookups = pendingLookups.filter { keep.contains($0.key) }
        paused = paused.filter { keep.contains($0) }
        highWatermarks = highWatermarks.filter { keep.contains($0.key) }
        lastStableOffsets = lastStableOffsets.filter { keep.contains($0.key) }
    }

    /// Assigned partitions that are not paused and have a position.
    var fetchable: [TopicPartition] {
        assignment.filter { !paused.contains($0) && positions[$0] != nil && pendingLookups[$0] == nil }
    }

    /// Assigned partitions with neither a position nor a pending lookup.
    var withoutPosition: [TopicPartition] {
        assignment.filter { positions[$0] == nil && pendingLookups[$0] == nil }
    }

    /// The offset after which `partition` has nothing (more) to read for `isolation`, when known.
    func endOffset(_ partition: TopicPartition, isolation: IsolationLevel) -> Int64? {
        if isolation == .readCommitted, let stable = lastStableOffsets[partition], stable >= 0 { return stable }
        return highWatermarks[partition]
    }
}
