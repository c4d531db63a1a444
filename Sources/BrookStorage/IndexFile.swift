#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of fixed-size big-endian entries. While its segment is active the entries live in memory
/// and new ones are appended to the file with pwrite; once sealed the file is mapped read-only.
final class IndexFile {
    let path: String
    let entrySize: Int
    let maxEntries: Int
    private var file: PosixFile?
    private var memory: [UInt8] = []
    private var mapping: UnsafeRawBufferPointer?
    /// Whole entries present.
    private(set) var count: Int = 0
    /// True when the file length was not a multiple of the entry size.
    private(set) var hadPartialEntry = false
    /// False when the file had to be created (a missing index must be rebuilt).
    private(set) var existed = true

    var isMutable: Bool { file != nil }
    var isFull: Bool { count >= maxEntries }

    init(path: String, entrySize: Int, maxEntries: Int, mutable: Bool) throws {
        self.path = path
        self.entrySize = entrySize
        self.maxEntries = max(1, maxEntries)
        self.existed = FileSystem.exists(path)
        let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        let size = try file.size()
        count = size / entrySize
        hadPartialEntry = size % entrySize != 0
        if mutable {
            var buffer = try file.read(count: count * entrySize, at: 0)
            memory = buffer.readBytes(length: buffer.readableBytes) ?? []
            count = memory.count / entrySize
            self.file = file
        } else {
            try map(file)
            try file.close()
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

    /// Appends one encoded entry (only while mutable).
    func append(_ entry: [UInt8]) throws {
        precondition(entry.count == entrySize && isMutable)
        try file!.write(entry, at: count * entrySize)
        memory.append(contentsOf: entry)
        count += 1
    }

    /// Replaces the whole file with `entries` (already encoded, back to back).
    func replaceAll(with entries: [UInt8]) throws {
        precondition(entries.count % entrySize == 0)
        unmap()
        let writer = try file ?? PosixFile(path: path, flags: O_RDWR | O_CREAT)
        try writer.truncate(to: 0)
        try writer.write(entries, at: 0)
        count = entries.count / entrySize
        hadPartialEntry = false
        existed = true
        if isMutable {
            memory = entries
        } else {
            try map(writer)
            try writer.close()
        }
    }

    /// Drops entries from `newCount` on (only while mutable).
    func truncate(toEntries newCount: Int) throws {
        precondition(isMutable)
        guard newCount < count else { return }
        try file!.truncate(to: newCount * entrySize)
        memory.removeLast((count - newCount) * entrySize)
        count = newCount
    }

    /// Stops accepting appends and maps the file read-only.
    func seal() throws {
        guard let file else { return }
        try map(file)
        try file.close()
        self.file = nil
        memory = []
    }

    /// Makes a sealed index appendable again (its segment became the active one).
    func unseal() throws {
        guard file == nil else { return }
        let writer = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        memory = withBytes { Array($0) }
        unmap()
        file = writer
    }

    func close() throws {
        unmap()
        try file?.close()
        file = nil
        memory = []
    }

    /// Encodes integers big-endian into an entry.
    static func encode(_ value: Int64, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func encode(_ value: Int32, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
