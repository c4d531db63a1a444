/// Sparse `.timeindex`: 12-byte entries (timestamp int64, offset relative to the segment base int32),
/// appended only when the segment's max timestamp grows; both columns are non-decreasing.
final class TimeIndex {
    static let entrySize = 12
    let baseOffset: Int64
    let file: IndexFile

    init(path: String, baseOffset: Int64, maxIndexBytes: Int, mutable: Bool) throws {
        self.baseOffset = baseOffset
        self.file = try IndexFile(path: path, entrySize: Self.entrySize,
                                  maxEntries: maxIndexBytes / Self.entrySize, mutable: mutable)
    }

    var count: Int { file.count }

    func entry(_ i: Int) -> (timestamp: Int64, offset: Int64) {
        (file.int64(entry: i, field: 0), baseOffset + Int64(file.int32(entry: i, field: 8)))
    }

    var lastEntry: (timestamp: Int64, offset: Int64)? { count > 0 ? entry(count - 1) : nil }

    /// Appends when `timestamp` is larger than the last entry's.
    func maybeAppend(timestamp: Int64, offset: Int64) throws {
        if let last = lastEntry, timestamp <= last.timestamp { return }
        try file.append(Self.encode(timestamp: timestamp, offset: offset, baseOffset: baseOffset))
    }

    static func encode(timestamp: Int64, offset: Int64, baseOffset: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entrySize)
        IndexFile.encode(timestamp, into: &bytes)
        IndexFile.encode(Int32(truncatingIfNeeded: offset - baseOffset), into: &bytes)
        return bytes
    }

    /// The entry with the largest timestamp <= `target`, or nil when every entry is newer.
    func lookup(_ target: Int64) -> (timestamp: Int64, offset: Int64)? {
        var low = 0
        var high = count - 1
        var found: (timestamp: Int64, offset: Int64)?
        while low <= high {
            let mid = (low + high) / 2
            let candidate = entry(mid)
            if candidate.timestamp <= target {
                found = candidate
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    /// A description of what is wrong with the file, or nil when it is usable.
    func problem() -> String? {
        if file.hadPartialEntry { return "size is not a multiple of \(Self.entrySize)" }
        var previous: (timestamp: Int64, offset: Int64)?
        for i in 0..<count {
            let current = entry(i)
            if current.offset < baseOffset { return "entry \(i) has a negative relative offset" }
            if let previous, current.timestamp <= previous.timestamp || current.offset < previous.offset {
                return "entry \(i) is out of order"
            }
            previous = current
        }
        return nil
    }

    /// Drops entries whose offset is at or beyond `offset`.
    func truncate(toOffset offset: Int64) throws {
        var keep = count
        while keep > 0 && entry(keep - 1).offset >= offset { keep -= 1 }
        try file.truncate(toEntries: keep)
    }
}
