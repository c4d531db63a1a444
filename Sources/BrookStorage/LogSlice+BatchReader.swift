#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BrookRecords
import NIOCore

/// Reads the whole batches of a `LogSlice` into memory one at a time, through a window of about
/// `chunkSize` bytes (more only for a batch larger than that), for the reads that cannot go
/// straight from the file to the socket: down-conversion for Fetch v0–3 and the zstd check of
/// Fetch v4–9. A batch cut by the end of the slice ends the reading, as it ends a client's.
public struct LogSliceBatchReader {
    public let slice: LogSlice
    private let chunkSize: Int
    /// Slice-relative position of the next batch.
    public private(set) var position = 0
    /// Bytes of the slice held in memory, starting at `windowStart`.
    private var window = ByteBuffer()
    private var windowStart = 0

    public init(_ slice: LogSlice, chunkSize: Int = 64 * 1024) {
        self.slice = slice
        self.chunkSize = max(RecordBatchHeader.size, chunkSize)
    }

    /// The next whole batch (its bytes only), or nil when none is left whole in the slice.
    public mutating func next() throws -> ByteBuffer? {
        guard let size = try nextBatchSize(), try ensure(size) else { return nil }
        let batch = window.getSlice(at: window.readerIndex + position - windowStart, length: size)
        position += size
        return batch
    }

    /// The header of the next whole batch and its slice-relative position, skipping its records;
    /// nil when none is left whole in the slice.
    public mutating func nextHeader() throws -> (header: RecordBatchHeader, position: Int)? {
        guard try ensure(RecordBatchHeader.size),
              let size = try nextBatchSize() else { return nil }
        let view = window.getSlice(at: window.readerIndex + position - windowStart, length: RecordBatchHeader.size)
        guard let view, let header = RecordBatchHeader(peekingAt: view) else { return nil }
        let at = position
        position += size
        return (header, at)
    }

    /// Size of the batch at `position`, nil when it is not whole inside the slice.
    private mutating func nextBatchSize() throws -> Int? {
        guard try ensure(RecordBatchHeader.logOverhead) else { return nil }
        let at = window.readerIndex + position - windowStart
        guard let length = window.getInteger(at: at + RecordBatchHeader.batchLengthPosition, as: Int32.self) else { return nil }
        // The smallest v2 batch has a 49-byte length; a smaller one means the file is damaged.
        guard length >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) else {
            throw StorageError.invalidBatch("batch length \(length) at slice position \(position)")
        }
        let size = Int(length) + RecordBatchHeader.logOverhead
        return size <= slice.length - position ? size : nil
    }

    /// Makes `count` bytes from `position` readable in the window; false when the slice ends first.
    private mutating func ensure(_ count: Int) throws -> Bool {
        guard count <= slice.length - position else { return false }
        if position >= windowStart && position + count <= windowStart + window.readableBytes { return true }
        let want = min(max(count, chunkSize), slice.length - position)
        var buffer = ByteBufferAllocator().buffer(capacity: want)
        let read = try Self.readFully(slice.file.fileHandle, into: &buffer, count: want, at: slice.position + position)
        window = buffer
        windowStart = position
        return read >= count
    }

    private static func readFully(_ handle: NIOFileHandle, into buffer: inout ByteBuffer, count: Int, at offset: Int) throws -> Int {
        try handle.withUnsafeFileDescriptor { fd in
            var total = 0
            while total < count {
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - total) { ptr -> Int in
                    while true {
                        let r = pread(fd, ptr.baseAddress, count - total, off_t(offset + total))
                        if r >= 0 { return r }
                        if errno != EINTR { throw StorageError.io("pread (log slice)", errno: errno) }
                    }
                }
                if n == 0 { break }
                total += n
            }
            return total
        }
    }
}

extension LogSlice {
    /// The first `length` bytes of this slice, sharing its lease (release only one of the two).
    public func prefix(_ length: Int) -> LogSlice {
        LogSlice(file: file, position: position, length: max(0, min(length, self.length)), firstBatchOffset: firstBatchOffset)
    }
}
