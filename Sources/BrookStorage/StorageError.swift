/// Errors the storage layer reports; the broker maps them to Kafka error codes at one boundary.
public enum StorageError: Error, Sendable, CustomStringConvertible {
    /// Another process holds the data directory's lock.
    case dataDirInUse(String)
    /// A system call failed; the string names the operation and file.
    case io(String, errno: Int32)
    /// A checkpoint or metadata file could not be parsed.
    case corruptCheckpoint(String)
    /// A read asked for an offset outside `[logStart, logEnd]`.
    case offsetOutOfRange(requested: Int64, logStart: Int64, logEnd: Int64)
    /// An append is larger than a whole segment may hold.
    case batchTooLargeForSegment(Int)
    /// A batch handed to `append` is not a complete RecordBatch v2.
    case invalidBatch(String)
    /// The log was used after `close()`.
    case logClosed(String)
    /// The log directory (path) went offline after an I/O error (reason); see `LogDirectoryHealth`.
    case logDirectoryOffline(String, reason: String)

    public var description: String {
        switch self {
        case .dataDirInUse(let path):
            return "data directory \(path) is in use by another brook process"
        case .io(let what, let errno):
            return "I/O error: \(what): \(systemErrorDescription(errno)) (errno \(errno))"
        case .corruptCheckpoint(let what):
            return "corrupt checkpoint: \(what)"
        case .offsetOutOfRange(let requested, let logStart, let logEnd):
            return "offset \(requested) is out of range [\(logStart), \(logEnd)]"
        case .batchTooLargeForSegment(let size):
            return "append of \(size) bytes is larger than segment.bytes"
        case .invalidBatch(let why):
            return "invalid record batch: \(why)"
        case .logClosed(let name):
            return "log \(name) is closed"
        case .logDirectoryOffline(let path, let reason):
            return "log directory \(path) is offline until restart after an I/O error (\(reason))"
        }
    }
}
