/// Sparse `.index`: 8-byte entries (offset relative to the segment base as int32, file position int32),
/// each naming the start of a batch whose last offset is that offset. Lookups are binary searches.
final class OffsetIndex {
    static let entrySize = 8
    let baseOffset: Int64
    let file: IndexFile

    init(path: String, baseOffset: Int64, maxIndexBytes: Int, mutable: Bool) throws {
        self.baseOffset = baseOffset
        self.file = try IndexFile(path: path, entrySize: Self.entrySize,
                                  maxEntries: maxIndexBytes / Self.entrySize, mutable: mutable)
    }

    var count: Int { file.count }

    func entry(_ i: Int) -> (offset: Int64, position: Int) {
        (baseOffset + Int64(file.int32(entry: i, field: 0)), Int(file.int32(entry: i, field: 4)))
    }

    var lastEntry: (offset: Int64, position: Int)? { count > 0 ? entry(count - 1) : nil }

    func append(offset: Int64, position: Int) throws {
        try file.append(Self.encode(offset: offset, position: position, baseOffset: baseOffset))
    }

    static func encode(offset: Int64, position: Int, baseOffset: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entrySize)
        IndexFile.encode(Int32(truncatingIfNeeded: offset - baseOffset), into: &bytes)
        IndexFile.encode(Int32(truncatingIfNeeded: position), into: &bytes)
        return bytes
    }

    /// The entry with the largest offset <= `target`, or the segment start when there is none.
    func lookup(_ target: Int64) -> (offset: Int64, position: Int) {
        var low = 0
        var high = count - 1
        var found: (offset: Int64, position: Int) = (baseOffset, 0)
        while low <= high {
            let mid = (low + high) / 2
            let candidate = entry(mid)
            if candidate.offset <= target {
                found = candidate
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    /// A description of what is wrong with the file, or nil when it is usable.
    func problem(logSize: Int) -> String? {
        if file.hadPartialEntry { return "size is not a multiple of \(Self.entrySize)" }
        var previous: (offset: Int64, position: Int)?
        for i in 0..<count {
            let current = entry(i)
            if current.offset < baseOffset { return "entry \(i) has a negative relative offset" }
            if current.position < 0 || current.position >= logSize { return "entry \(i) points beyond the log" }
            if let previous, current.offset <= previous.offset || current.position <= previous.position {
                return "entry \(i) is out of order"
            }
            previous = current
        }
        return nil
    }

    /// Drops entries whose position is at or beyond `position`.
    func truncate(toPosition position: Int) throws {
        var keep = count
        while keep > 0 && entry(keep - 1).position >= position { keep -= 1 }
        try file.truncate(toEntries: keep)
    }
}
