#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of fixed-size big-endian entries. While its segment is active the entries live in memory
/// and reach the file when the segment is sealed or closed (or `persist()` is called); once sealed
/// the file is mapped read-only. No file descriptor is held in either state, so a partition costs
/// one descriptor (its active `.log`) however many index files it has.
///
/// An active index need not be on disk before then: it is sparse, and start-up recovery rebuilds the
/// active segment's index (it scans that segment after any unclean shutdown) or checks it.
final class IndexFile {
    let path: String
    let entrySize: Int
    let maxEntries: Int
    private var memory: [UInt8] = []
    private var mapping: UnsafeRawBufferPointer?
    /// Whole entries present.
    private(set) var count: Int = 0
    /// Entries already written to the file (only while mutable; the rest wait for `persist()`).
    private(set) var persistedCount: Int = 0
    /// Bytes in the file when it was last opened or written (a torn tail may exceed the entries).
    private var fileSize: Int = 0
    /// True when the file length was not a multiple of the entry size.
    private(set) var hadPartialEntry = false
    /// False when the file had to be created (a missing index must be rebuilt).
    private(set) var existed = true
    private(set) var isMutable: Bool
    /// Whether this process wrote the file since its last `syncIfNeeded()`: an index left as the
    /// previous clean shutdown synced it needs no fsync at close, which keeps shutdown with
    /// thousands of idle partitions short.
    private(set) var needsSync = false

    var isFull: Bool { count >= maxEntries }

    init(path: String, entrySize: Int, maxEntries: Int, mutable: Bool) throws {
        self.path = path
        self.entrySize = entrySize
        self.maxEntries = max(1, maxEntries)
        self.existed = FileSystem.exists(path)
        self.isMutable = mutable
        let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        defer { try? file.close() }
        fileSize = try file.size()
        count = fileSize / entrySize
        hadPartialEntry = fileSize % entrySize != 0
        if mutable {
            var buffer = try file.read(count: count * entrySize, at: 0)
            memory = buffer.readBytes(length: buffer.readableBytes) ?? []
            count = memory.count / entrySize
            persistedCount = count
        } else {
            try map(file)
        }
    }

    deinit {
        unmap()
    }

    private func map(_ file: PosixFile) throws {
        let length = count * entrySize
        guard length > 0 else { return }
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, file.fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw StorageError.io("mmap \(path)", errno: errno) }
        mapping = UnsafeRawBufferPointer(start: address, count: length)
    }

    private func unmap() {
        if let mapping, let base = mapping.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), mapping.count)
        }
        mapping = nil
    }

    /// Runs `body` over the raw bytes of all whole entries.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let mapping { return try body(mapping) }
        return try memory.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<(count * entrySize)])) }
    }

    func int32(entry: Int, field: Int) -> Int32 {
        withBytes { Int32(bigEndian: $0.loadUnaligned(fromByteOffset: entry * entrySize + field, as: Int32.self)) }
    }

    func int64(entry: Int, field: Int) -> Int64 {
        withBytes { Int64(bigEndian: $0.loadUnaligned(fromByteOffset: entry * entrySize + field, as: Int64.self)) }
    }

    /// Appends one encoded entry in memory (only while mutable); `persist()` writes it.
    func append(_ entry: [UInt8]) throws {
        precondition(entry.count == entrySize && isMutable)
        memory.append(contentsOf: entry)
        count += 1
    }

    /// Writes the entries not yet in the file (and drops a torn tail beyond them): one open, one
    /// pwrite, one close. Nothing to do when the file is up to date.
    func persist() throws {
        guard isMutable, persistedCount < count || fileSize != count * entrySize else { return }
        let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        defer { try? file.close() }
        let from = persistedCount * entrySize
        if persistedCount < count {
            try memory.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[from..<(count * entrySize)]), at: from) }
        }
        if fileSize > count * entrySize { try file.truncate(to: count * entrySize) }
        persistedCount = count
        fileSize = count * entrySize
        hadPartialEntry = false
        needsSync = true
    }

    /// fsyncs the file if this process wrote it since the last call. Blocking.
    func syncIfNeeded() throws {
        guard needsSync else { return }
        try FileSystem.sync(path: path)
        needsSync = false
    }

    /// Replaces the whole file with `entries` (already encoded, back to back).
    func replaceAll(with entries: [UInt8]) throws {
        precondition(entries.count % entrySize == 0)
        unmap()
        let writer = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        defer { try? writer.close() }
        try writer.truncate(to: 0)
        try writer.write(entries, at: 0)
        count = entries.count / entrySize
        persistedCount = count
        fileSize = entries.count
        hadPartialEntry = false
        existed = true
        needsSync = true
        if isMutable {
            memory = entries
        } else {
            try map(writer)
        }
    }

    /// Drops entries from `newCount` on (only while mutable).
    func truncate(toEntries newCount: Int) throws {
        precondition(isMutable)
        guard newCount < count else { return }
        memory.removeLast((count - newCount) * entrySize)
        count = newCount
        if newCount < persistedCount {
            let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
            defer { try? file.close() }
            try file.truncate(to: newCount * entrySize)
            persistedCount = newCount
            fileSize = newCount * entrySize
            needsSync = true
        }
    }

    /// Writes the pending entries, stops accepting appends and maps the file read-only.
    func seal() throws {
        guard isMutable else { return }
        try persist()
        let file = try PosixFile(path: path, flags: O_RDONLY)
        defer { try? file.close() }
        try map(file)
        isMutable = false
        memory = []
    }

    /// Makes a sealed index appendable again (its segment became the active one).
    func unseal() throws {
        guard !isMutable else { return }
        memory = withBytes { Array($0) }
        unmap()
        persistedCount = count
        isMutable = true
    }

    /// Writes the pending entries and releases the memory or mapping.
    func close() throws {
        try persist()
        unmap()
        memory = []
        isMutable = false
    }

    /// Encodes integers big-endian into an entry.
    static func encode(_ value: Int64, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func encode(_ value: Int32, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
