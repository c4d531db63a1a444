import BrookRecords
import NIOCore

/// The `.snapshot` file format: a partition's producer state as of an offset, named after that offset
/// (`00000000000000001234.snapshot`), so recovery replays the log only from there.
///
/// Layout (big-endian): version int16 = 1, producer count int32, then per producer: id int64, epoch int16,
/// coordinator epoch int32, last timestamp int64, open transaction's first offset int64 (-1 none), batch
/// count int8 and per batch first/last sequence int32, first/last offset int64, max timestamp int64;
/// finally a CRC32C (uint32) of everything before it.
public enum ProducerStateSnapshot {
    static let version: Int16 = 1
    public static let suffix = ".snapshot"

    public static func fileName(offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The offset a snapshot file is named after, or nil for any other file.
    public static func offset(fromFileName name: String) -> Int64? {
        guard name.hasSuffix(suffix) else { return nil }
        return Int64(name.dropLast(suffix.count))
    }

    public static func encode(_ entries: [ProducerStateEntry]) -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: 16 + entries.count * 64)
        buffer.writeInteger(version)
        buffer.writeInteger(Int32(entries.count))
        for entry in entries.sorted(by: { $0.producerId < $1.producerId }) {
            buffer.writeInteger(entry.producerId)
            buffer.writeInteger(entry.producerEpoch)
            buffer.writeInteger(entry.coordinatorEpoch)
            buffer.writeInteger(entry.lastTimestamp)
            buffer.writeInteger(entry.currentTxnFirstOffset ?? -1)
            buffer.writeInteger(Int8(entry.batches.count))
            for batch in entry.batches {
                buffer.writeInteger(batch.firstSequence)
                buffer.writeInteger(batch.lastSequence)
                buffer.writeInteger(batch.firstOffset)
                buffer.writeInteger(batch.lastOffset)
                buffer.writeInteger(batch.maxTimestamp)
            }
        }
        buffer.writeInteger(CRC32C.checksum(buffer))
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    public static func decode(_ bytes: [UInt8]) throws -> [ProducerStateEntry] {
        var buffer = ByteBuffer(bytes: bytes)
        guard buffer.readableBytes >= 10 else { throw StorageError.corruptCheckpoint("producer snapshot too short") }
        let body = buffer.getSlice(at: 0, length: buffer.readableBytes - 4)!
        let stored: UInt32 = buffer.getInteger(at: buffer.readableBytes - 4)!
        guard CRC32C.checksum(body) == stored else { throw StorageError.corruptCheckpoint("producer snapshot CRC mismatch") }
        buffer = body
        func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard let value: T = buffer.readInteger() else {
                throw StorageError.corruptCheckpoint("producer snapshot truncated")
            }
            return value
        }
        guard try read(Int16.self) == version else { throw StorageError.corruptCheckpoint("producer snapshot version") }
        let count = try read(Int32.self)
        guard count >= 0, Int(count) <= buffer.readableBytes / 39 else {
            throw StorageError.corruptCheckpoint("producer snapshot count \(count)")
        }
        var entries: [ProducerStateEntry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            var entry = ProducerStateEntry(producerId: try read(Int64.self), producerEpoch: try read(Int16.self))
            entry.coordinatorEpoch = try read(Int32.self)
            entry.lastTimestamp = try read(Int64.self)
            let txn = try read(Int64.self)
            entry.currentTxnFirstOffset = txn >= 0 ? txn : nil
            let batchCount = try read(Int8.self)
            guard batchCount >= 0 else { throw StorageError.corruptCheckpoint("producer snapshot batch count") }
            for _ in 0..<batchCount {
                entry.batches.append(ProducerBatchMetadata(
                    firstSequence: try read(Int32.self), lastSequence: try read(Int32.self),
                    firstOffset: try read(Int64.self), lastOffset: try read(Int64.self),
                    maxTimestamp: try read(Int64.self)))
            }
            entries.append(entry)
        }
        guard buffer.readableBytes == 0 else { throw StorageError.corruptCheckpoint("producer snapshot trailing bytes") }
        return entries
    }
}
