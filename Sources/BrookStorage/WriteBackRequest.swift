#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CBrookIO

/// A range of a segment file to start writing back (see `WriteBackPolicy`); run it on a thread
/// pool, since starting write-back can block while the device queue is congested.
public struct WriteBackRequest: Sendable, Hashable {
    public let path: String
    public let range: Range<Int>

    public init(path: String, range: Range<Int>) {
        self.path = path
        self.range = range
    }

    /// One request covering this one and a later `newer`: their union for the same file; for another
    /// file (the segment rolled meanwhile) the newer request alone, as the older file is sealed and
    /// fsynced whole anyway.
    public func merged(with newer: WriteBackRequest) -> WriteBackRequest {
        guard newer.path == path else { return newer }
        return WriteBackRequest(path: path, range: min(range.lowerBound, newer.range.lowerBound)..<max(range.upperBound, newer.range.upperBound))
    }

    /// Starts write-back of `range` without waiting for it to finish. Opens the file by path, so a
    /// segment deleted meanwhile is simply skipped. Returns whether the kernel accepted the request;
    /// failures are not errors: the next fsync reports real I/O trouble.
    @discardableResult
    public func start() -> Bool {
        guard let fd = try? systemOpen(path, O_RDONLY, 0) else { return false }
        defer { _ = systemClose(fd) }
        return brook_start_writeback(fd, Int64(range.lowerBound), Int64(range.count)) == 0
    }
}
