import BrookRecords
import NIOCore

/// Where the batches appended last to the active segment start, kept in memory so that a fetch at
/// the log end (a tailing consumer, a long-poll woken by an append) finds its batch without reading
/// headers back from the file. Only consecutive batches up to the segment's end are kept.
struct RecentBatches {
    /// What the cache knows about an offset.
    enum Lookup: Equatable {
        /// The first batch whose last offset is at or after the offset.
        case found(position: Int, header: RecordBatchHeader)
        /// No batch at or after the offset: the offset is past the segment's last batch.
        case pastEnd
        /// The offset is before the oldest batch kept: read the file.
        case unknown
    }

    private var entries = CircularBuffer<(position: Int, header: RecordBatchHeader)>()
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// Records a batch written at `position`, right after the previous one.
    mutating func appended(_ header: RecordBatchHeader, at position: Int) {
        if let last = entries.last, last.position + last.header.totalSize != position {
            // Not contiguous with what is kept (cannot happen with appends alone): start again.
            entries.removeAll(keepingCapacity: true)
        }
        if entries.count == capacity { entries.removeFirst() }
        entries.append((position, header))
    }

    /// The segment was cut at `size` bytes: batches at or past it are gone.
    mutating func truncated(toSize size: Int) {
        while let last = entries.last, last.position + last.header.totalSize > size {
            entries.removeLast()
        }
    }

    mutating func removeAll() {
        entries.removeAll()
    }

    func lookup(_ offset: Int64) -> Lookup {
        guard let first = entries.first, offset >= first.header.baseOffset else { return .unknown }
        // Offsets grow with positions: binary search for the first batch ending at or after `offset`.
        var low = entries.startIndex
        var count = entries.count
        while count > 0 {
            let half = count / 2
            let mid = entries.index(low, offsetBy: half)
            if entries[mid].header.lastOffset < offset {
                low = entries.index(after: mid)
                count -= half + 1
            } else {
                count = half
            }
        }
        guard low != entries.endIndex else { return .pastEnd }
        return .found(position: entries[low].position, header: entries[low].header)
    }
}
