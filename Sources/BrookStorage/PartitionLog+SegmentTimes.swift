#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What ListOffsets v0 needs of one segment: Kafka's `legacyFetchOffsetsBefore` maps a timestamp to
/// segment base offsets through each segment file's last-modified time.
public struct SegmentTime: Sendable, Equatable {
    public var baseOffset: Int64
    /// The `.log` file's modification time, in milliseconds since the epoch.
    public var lastModifiedMs: Int64
    /// Bytes in the `.log` file.
    public var size: Int

    public init(baseOffset: Int64, lastModifiedMs: Int64, size: Int) {
        self.baseOffset = baseOffset
        self.lastModifiedMs = lastModifiedMs
        self.size = size
    }
}

extension PartitionLog {
    /// Every segment, oldest first, with its file's last-modified time (one fstat each).
    public func segmentTimes() throws -> [SegmentTime] {
        try checkOpen()
        return try segments.map { segment in
            var info = stat()
            guard fstat(segment.log.fd, &info) == 0 else {
                throw StorageError.io("fstat \(segment.logPath)", errno: errno)
            }
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            let ms = Int64(modified.tv_sec) * 1000 + Int64(modified.tv_nsec) / 1_000_000
            return SegmentTime(baseOffset: segment.baseOffset, lastModifiedMs: ms, size: segment.size)
        }
    }
}
