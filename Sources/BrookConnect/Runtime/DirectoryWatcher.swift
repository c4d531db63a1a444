#if canImport(Glibc)
import Glibc
import Foundation
import NIOConcurrencyHelpers

/// Watches a directory tree with Linux inotify and reports which files changed (paths relative to
/// the root), so the desired-state source re-reads only those, right after they change. Files
/// count as changed when written and closed, moved in or out, or deleted; new subdirectories are
/// watched as they appear. Events are read on a thread of its own (a blocking `poll` on the inotify
/// descriptor, woken every 200 ms to notice `stop()`), and delivered in batches after a quiet 100 ms.
public final class DirectoryWatcher: Sendable {
    private let root: String
    private let fd: Int32
    private let state = NIOLockedValueBox(State())
    private let continuation: AsyncStream<Set<String>>.Continuation
    /// Batches of changed paths, relative to the root.
    public let changes: AsyncStream<Set<String>>

    private struct State {
        var directories: [Int32: String] = [:]
        var stopped = false
    }

    private static let fileEvents = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)
        | UInt32(IN_DELETE_SELF)

    /// Starts watching `root` (which must be a directory).
    public init(root: String) throws {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw DesiredStateError.invalidConfig(key: "path", reason: "inotify_init1 failed: errno \(errno)") }
        (changes, continuation) = AsyncStream.makeStream(of: Set<String>.self, bufferingPolicy: .bufferingNewest(64))
        watchTree(self.root)
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "brook-inotify"
        thread.start()
    }

    public func stop() {
        state.withLockedValue { $0.stopped = true }
    }

    /// Watches `directory` and those below it; returns the files already there (for a directory
    /// that appeared after start: files written before its watch existed are changes too).
    @discardableResult
    private func watchTree(_ directory: String) -> [String] {
        add(directory)
        var files: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return files }
        while let item = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + item
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue { add(path) } else { files.append(path) }
        }
        return files
    }

    private func add(_ directory: String) {
        let wd = inotify_add_watch(fd, directory, Self.fileEvents)
        if wd >= 0 { state.withLockedValue { $0.directories[wd] = directory } }
    }

    private func readLoop() {
        var pending = Set<String>()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !state.withLockedValue({ $0.stopped }) {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, pending.isEmpty ? 200 : 100)
            if ready <= 0 {
                // Quiet for a while: hand over what accumulated.
                if !pending.isEmpty {
                    continuation.yield(pending)
                    pending.removeAll()
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(nameStart + length, count)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset = nameStart + length
                guard let directory = state.withLockedValue({ $0.directories[wd] }), !name.isEmpty else { continue }
                let path = directory + "/" + name
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        for file in watchTree(path) where file.hasPrefix(root + "/") { pending.insert(String(file.dropFirst(root.count + 1))) }
                    }
                    continue
                }
                if mask & UInt32(IN_CREATE) != 0 { continue }  // its IN_CLOSE_WRITE follows
                if path.hasPrefix(root + "/") { pending.insert(String(path.dropFirst(root.count + 1))) }
            }
        }
        close(fd)
        continuation.finish()
    }
}
#endif
