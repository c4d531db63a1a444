import BrookRecords
import NIOCore

/// Reads batch headers forward from a position, a chunk of the file at a time, so finding an offset
/// from its index entry (up to `index.interval.bytes` of small batches) costs one or two preads
/// instead of one per batch.
struct HeaderWalk {
    /// Bytes read at once: an index interval (4 KiB by default) plus room for the batch it lands on.
    static let chunkBytes = 8192

    private let segment: Segment
    private(set) var position: Int
    private var chunk = ByteBuffer()
    private var chunkStart = 0

    init(segment: Segment, from position: Int) {
        self.segment = segment
        self.position = position
    }

    /// The header at the current position, or nil when fewer than a header's bytes remain.
    mutating func next() throws -> (position: Int, header: RecordBatchHeader)? {
        guard position >= 0, position <= segment.size - RecordBatchHeader.size else { return nil }
        if position < chunkStart || position - chunkStart > chunk.readableBytes - RecordBatchHeader.size {
            chunk = try segment.log.read(count: min(Self.chunkBytes, segment.size - position), at: position)
            chunkStart = position
        }
        guard let bytes = chunk.getSlice(at: chunk.readerIndex + position - chunkStart, length: RecordBatchHeader.size),
              let header = RecordBatchHeader(peekingAt: bytes) else { return nil }
        return (position, header)
    }

    /// Moves past the batch just read.
    mutating func skip(_ bytes: Int) {
        let (sum, overflow) = position.addingReportingOverflow(bytes)
        position = overflow ? Int.max : sum
    }
}
