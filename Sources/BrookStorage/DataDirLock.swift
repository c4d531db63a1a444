#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<dataDir>/.lock`, held for the life of the broker process.
public final class DataDirLock {
    public let directory: String
    private var fd: Int32

    /// Takes the lock without waiting; throws `StorageError.dataDirInUse` when someone holds it.
    public init(directory: String) throws {
        self.directory = directory
        let fd = try systemOpen(directory + "/.lock", O_RDWR | O_CREAT, 0o644)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            _ = systemClose(fd)
            if code == EWOULDBLOCK { throw StorageError.dataDirInUse(directory) }
            throw StorageError.io("flock \(directory)/.lock", errno: code)
        }
        self.fd = fd
    }

    deinit { unlock() }

    /// Releases the lock (closing the file releases it too).
    public func unlock() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        _ = systemClose(fd)
        fd = -1
    }
}
