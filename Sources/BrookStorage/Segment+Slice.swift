import BrookRecords
import NIOCore

extension Segment {
    /// Where a zero-copy read lands in this segment's `.log` file.
    enum SliceOutcome {
        /// No batch at or after the offset here: try the next segment.
        case endOfSegment
        case empty
        case range(position: Int, length: Int, firstBatchOffset: Int64)
    }

    /// The byte range of whole batches from the one containing `offset`, bounded by `maxBytes`
    /// (or the first batch when `minOneBatch`) and by the first batch that reaches `upTo`.
    ///
    /// Unlike `read`, it reads only batch headers, never the records. As Kafka's file slices do, the
    /// range may end inside a batch when `maxBytes` cuts it; clients discard such a trailing partial batch.
    func slice(from offset: Int64, maxBytes: Int, upTo: Int64, minOneBatch: Bool) throws -> SliceOutcome {
        guard let (start, first) = try locate(offset) else { return .endOfSegment }
        if first.lastOffset >= upTo { return .empty }
        let endLimit: Int
        if upTo >= nextOffset {
            endLimit = size
        } else {
            endLimit = try locate(upTo)?.position ?? size
        }
        let available = endLimit - start
        var want = min(max(0, maxBytes), available)
        if minOneBatch { want = max(want, min(first.totalSize, available)) }
        if want < first.totalSize { return .empty }
        return .range(position: start, length: want, firstBatchOffset: first.baseOffset)
    }

}

/// A zero-copy read: a range of one segment file, with a claim on its descriptor that the caller
/// must release (`file.release()`) once the range is sent or dropped.
public struct LogSlice: Sendable {
    /// Shares the segment's one descriptor; keeps the file readable even if the segment is deleted.
    public let file: SegmentFileLease
    public let position: Int
    public let length: Int
    public let firstBatchOffset: Int64
}

extension PartitionLog {
    /// Like `read`, but returns the file range instead of the bytes, for sendfile. Nil when there is
    /// nothing to return.
    public func slice(from offset: Int64, maxBytes: Int, upTo: Int64, minOneBatch: Bool) throws -> LogSlice? {
        try checkOpen()
        let end = logEndOffset
        guard offset >= logStartOffset, offset <= end else {
            throw StorageError.offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: end)
        }
        let limit = min(upTo, end)
        guard offset < limit else { return nil }
        var index = segmentIndex(containing: offset)
        while index < segments.count {
            let segment = segments[index]
            switch try segment.slice(from: offset, maxBytes: maxBytes, upTo: limit, minOneBatch: minOneBatch) {
            case .endOfSegment:
                index += 1
            case .empty:
                return nil
            case .range(let position, let length, let first):
                return LogSlice(file: try segment.log.lease(), position: position, length: length, firstBatchOffset: first)
            }
        }
        return nil
    }
}
