/// Kafka's text checkpoint files: a version line `0`, a count line, then one entry per line.
/// Written atomically (temporary file, fsync, rename, directory fsync).
enum CheckpointText {
    static func encode(_ lines: [String]) -> [UInt8] {
        var text = "0\n\(lines.count)\n"
        for line in lines { text += line + "\n" }
        return Array(text.utf8)
    }

    /// The entry lines split into fields, each with `fields` columns.
    static func decode(_ bytes: [UInt8], fields: Int, path: String) throws -> [[Substring]] {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.count >= 2 else { throw StorageError.corruptCheckpoint("\(path): missing header") }
        guard lines[0] == "0" else { throw StorageError.corruptCheckpoint("\(path): unsupported version \(lines[0])") }
        guard let count = Int(lines[1]), count >= 0 else {
            throw StorageError.corruptCheckpoint("\(path): bad entry count \(lines[1])")
        }
        let body = lines.dropFirst(2)
        guard body.count >= count, body.dropFirst(count).allSatisfy(\.isEmpty) else {
            throw StorageError.corruptCheckpoint("\(path): expected \(count) entries")
        }
        return try body.prefix(count).map { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == fields else {
                throw StorageError.corruptCheckpoint("\(path): malformed line '\(line)'")
            }
            return parts
        }
    }
}

/// A data-directory checkpoint mapping partitions to offsets (`recovery-point-offset-checkpoint`,
/// `log-start-offset-checkpoint`): lines of `topic partition offset`.
public struct OffsetCheckpointFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The stored offsets; empty when the file does not exist.
    public func read() throws -> [TopicPartition: Int64] {
        guard let bytes = try FileSystem.readAll(path) else { return [:] }
        var result: [TopicPartition: Int64] = [:]
        for parts in try CheckpointText.decode(bytes, fields: 3, path: path) {
            // Offsets in these files are never negative: one that is means the file is damaged.
            guard let partition = Int32(parts[1]), partition >= 0, let offset = Int64(parts[2]), offset >= 0 else {
                throw StorageError.corruptCheckpoint("\(path): malformed entry \(parts.joined(separator: " "))")
            }
            result[TopicPartition(topic: String(parts[0]), partition: partition)] = offset
        }
        return result
    }

    public func write(_ offsets: [TopicPartition: Int64]) throws {
        let lines = offsets.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
            .map { "\($0.key.topic) \($0.key.partition) \($0.value)" }
        try FileSystem.writeAtomically(path, CheckpointText.encode(lines))
    }
}

/// One leader epoch and the first offset written in it.
public struct EpochEntry: Sendable, Hashable {
    public var epoch: Int32
    public var startOffset: Int64

    public init(epoch: Int32, startOffset: Int64) {
        self.epoch = epoch
        self.startOffset = startOffset
    }
}

/// A partition's `leader-epoch-checkpoint`: lines of `epoch startOffset`.
public struct LeaderEpochCheckpointFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The stored entries; empty when the file does not exist.
    public func read() throws -> [EpochEntry] {
        guard let bytes = try FileSystem.readAll(path) else { return [] }
        let entries = try CheckpointText.decode(bytes, fields: 2, path: path).map { parts in
            guard let epoch = Int32(parts[0]), epoch >= 0, let start = Int64(parts[1]), start >= 0 else {
                throw StorageError.corruptCheckpoint("\(path): malformed entry \(parts.joined(separator: " "))")
            }
            return EpochEntry(epoch: epoch, startOffset: start)
        }
        // The cache only ever appends larger epochs at later offsets, so anything else is damage.
        for (earlier, later) in zip(entries, entries.dropFirst())
        where later.epoch <= earlier.epoch || later.startOffset < earlier.startOffset {
            throw StorageError.corruptCheckpoint("\(path): entries out of order at epoch \(later.epoch)")
        }
        return entries
    }

    public func write(_ entries: [EpochEntry]) throws {
        try FileSystem.writeAtomically(path, CheckpointText.encode(entries.map { "\($0.epoch) \($0.startOffset)" }))
    }
}
