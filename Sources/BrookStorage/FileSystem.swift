#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Directory and whole-file helpers over POSIX calls (mkdir, readdir, rename, unlink, fsync).
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & 0o170000) == 0o040000
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StorageError.io("mkdir \(prefix)", errno: errno)
            }
            prefix += "/"
        }
    }

    /// Names in `path`, without `.` and `..`.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw StorageError.io("opendir \(path)", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file; a missing file is not an error.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw StorageError.io("unlink \(path)", errno: errno)
        }
    }

    static func rename(_ from: String, to: String) throws {
        if systemRename(from, to) != 0 {
            throw StorageError.io("rename \(from) to \(to)", errno: errno)
        }
    }

    /// fsync of a file or directory by path; a file deleted meanwhile is skipped. Files get
    /// fdatasync on Linux: it skips the timestamps but still makes a grown size durable.
    static func sync(path: String, directory: Bool = false) throws {
        let fd: Int32
        do {
            fd = try systemOpen(path, O_RDONLY | (directory ? O_DIRECTORY : 0), 0)
        } catch StorageError.io(_, let code) where code == ENOENT {
            return
        }
        defer { _ = systemClose(fd) }
        try StorageFaults.check(.fsync, path: path)
        while dataSync(fd, directory: directory) != 0 {
            if errno != EINTR { throw StorageError.io("fsync \(path)", errno: errno) }
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The whole file, or nil when it does not exist.
    static func readAll(_ path: String) throws -> [UInt8]? {
        let file: PosixFile
        do {
            file = try PosixFile(path: path, flags: O_RDONLY)
        } catch StorageError.io(_, let code) where code == ENOENT {
            return nil
        }
        let size = try file.size()
        var buffer = try file.read(count: size, at: 0)
        try file.close()
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Replaces `path` atomically: write `<path>.tmp`, fsync, rename over, fsync the directory.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".tmp"
        let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        try file.write(bytes, at: 0)
        try file.sync()
        try file.close()
        try rename(temporary, to: path)
        try sync(path: parent(of: path), directory: true)
    }
}

private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}

private func dataSync(_ fd: Int32, directory: Bool) -> Int32 {
    #if os(Linux)
    return directory ? fsync(fd) : fdatasync(fd)
    #else
    return fsync(fd)
    #endif
}
