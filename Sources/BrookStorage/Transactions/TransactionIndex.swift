#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A segment's `.txnindex` file: the aborted transactions whose abort marker lies in the segment,
/// in marker order. Kafka's layout: 34-byte big-endian entries of version int16 (0), producerId,
/// firstOffset, lastOffset, lastStableOffset (int64 each). No fsync here; the log's flush does it.
public enum TransactionIndex {
    /// Bytes per entry.
    public static let entrySize = 34
    static let version: Int16 = 0

    /// Appends `txns` at the end of the file at `path`, creating it if needed.
    public static func append(_ txns: [AbortedTxn], to path: String) throws {
        guard !txns.isEmpty else { return }
        let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
        defer { try? file.close() }
        let size = try file.size()
        // A torn tail left by a crash is dropped first so the new entries stay aligned.
        let aligned = size - size % entrySize
        let bytes = encode(txns)
        do {
            try file.write(bytes, at: aligned)
        } catch {
            try? file.truncate(to: aligned)
            throw error
        }
        if aligned + bytes.count < size { try file.truncate(to: aligned + bytes.count) }
    }

    /// Replaces the file's contents with `txns` (an empty list removes the file). Used by recovery.
    public static func rewrite(_ txns: [AbortedTxn], at path: String) throws {
        if txns.isEmpty {
            try FileSystem.remove(path)
        } else {
            try FileSystem.writeAtomically(path, encode(txns))
        }
    }

    /// Reads the entries at `path` ([] when the file is missing). A partial entry at the end (a torn
    /// write) is truncated away; an entry with an unknown version is an error.
    public static func load(from path: String) throws -> [AbortedTxn] {
        guard let bytes = try FileSystem.readAll(path) else { return [] }
        let whole = bytes.count - bytes.count % entrySize
        if whole != bytes.count {
            let file = try PosixFile(path: path, flags: O_RDWR)
            defer { try? file.close() }
            try file.truncate(to: whole)
        }
        var buffer = ByteBuffer(bytes: bytes[0..<whole])
        var txns: [AbortedTxn] = []
        txns.reserveCapacity(whole / entrySize)
        while buffer.readableBytes >= entrySize {
            let version = buffer.readInteger(as: Int16.self)!
            guard version == Self.version else {
                throw StorageError.corruptCheckpoint("\(path): transaction index entry version \(version)")
            }
            txns.append(AbortedTxn(producerId: buffer.readInteger()!, firstOffset: buffer.readInteger()!,
                                   lastOffset: buffer.readInteger()!, lastStableOffset: buffer.readInteger()!))
        }
        return txns
    }

    /// The entries of `txns` overlapping `[offset, upTo)`: Kafka's rule for a read_committed fetch.
    public static func overlapping(_ txns: [AbortedTxn], from offset: Int64, upTo: Int64) -> [AbortedTxn] {
        txns.filter { $0.lastOffset >= offset && $0.firstOffset < upTo }
    }

    static func encode(_ txns: [AbortedTxn]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(txns.count * entrySize)
        for txn in txns {
            buffer.writeInteger(version)
            buffer.writeInteger(txn.producerId)
            buffer.writeInteger(txn.firstOffset)
            buffer.writeInteger(txn.lastOffset)
            buffer.writeInteger(txn.lastStableOffset)
        }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
