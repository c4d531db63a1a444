#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// An open file descriptor with the positioned-I/O calls the log needs (pread, pwrite, fsync, ftruncate).
final class PosixFile {
    let path: String
    private(set) var fd: Int32
    /// Set once zero-copy reads share the descriptor (`lease()`); it then closes with its last holder.
    private var shared: SharedFileDescriptor?

    init(path: String, flags: Int32, mode: mode_t = 0o644) throws {
        self.path = path
        self.fd = try systemOpen(path, flags, mode)
    }

    deinit {
        if fd >= 0 { _ = shared?.release() ?? systemClose(fd) }
    }

    func close() throws {
        guard fd >= 0 else { return }
        let result = shared?.release() ?? systemClose(fd)
        fd = -1
        if result != 0 { throw StorageError.io("close \(path)", errno: errno) }
    }

    /// A claim on this open descriptor for a zero-copy send on any thread, without a new descriptor;
    /// the descriptor stays open until this file and every lease have let go.
    func lease() throws -> SegmentFileLease {
        guard fd >= 0 else { throw StorageError.io("lease \(path)", errno: EBADF) }
        let shared = self.shared ?? SharedFileDescriptor(fd: fd)
        self.shared = shared
        guard let lease = SegmentFileLease(shared) else { throw StorageError.io("lease \(path)", errno: EBADF) }
        return lease
    }

    /// Current file size (lseek to the end).
    func size() throws -> Int {
        let end = lseek(fd, 0, SEEK_END)
        if end < 0 { throw StorageError.io("lseek \(path)", errno: errno) }
        return Int(end)
    }

    /// Reads up to `count` bytes at `offset`, appending them to `buffer`; fewer only at end of file.
    @discardableResult
    func read(into buffer: inout ByteBuffer, count: Int, at offset: Int) throws -> Int {
        try Self.read(fd: fd, into: &buffer, count: count, at: offset, what: path)
    }

    /// pread of up to `count` bytes at `offset` from `fd` into `buffer`, retried on EINTR and short
    /// reads; fewer only at end of file. `what` names the file in errors.
    static func read(fd: Int32, into buffer: inout ByteBuffer, count: Int, at offset: Int, what: String) throws -> Int {
        var total = 0
        while total < count {
            let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - total) { ptr -> Int in
                while true {
                    let r = pread(fd, ptr.baseAddress, count - total, off_t(offset + total))
                    if r >= 0 { return r }
                    if errno != EINTR { throw StorageError.io("pread \(what)", errno: errno) }
                }
            }
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// Reads exactly the bytes at `offset..<offset+count` or fewer at end of file.
    func read(count: Int, at offset: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        try read(into: &buffer, count: count, at: offset)
        return buffer
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try StorageFaults.check(.write, path: path)
        var done = 0
        while done < bytes.count {
            let r = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if r < 0 {
                if errno == EINTR { continue }
                throw StorageError.io("pwrite \(path)", errno: errno)
            }
            done += r
        }
    }

    /// Writes the readable bytes of `buffer` at `offset`.
    func write(_ buffer: ByteBuffer, at offset: Int) throws {
        try buffer.withUnsafeReadableBytes { try write($0, at: offset) }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    func truncate(to size: Int) throws {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw StorageError.io("ftruncate \(path)", errno: errno) }
        }
    }

    func sync() throws {
        try StorageFaults.check(.fsync, path: path)
        while fsync(fd) != 0 {
            if errno != EINTR { throw StorageError.io("fsync \(path)", errno: errno) }
        }
    }
}

func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) throws -> Int32 {
    while true {
        let fd = open(path, flags | O_CLOEXEC, mode)
        if fd >= 0 { return fd }
        if errno != EINTR { throw StorageError.io("open \(path)", errno: errno) }
    }
}

func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}

func systemErrorDescription(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "unknown error" }
    return String(cString: message)
}
