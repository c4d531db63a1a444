import BrookRecords
import NIOCore

/// Writes one record of a RecordBatch v2 straight from its parts (the layout `Record.encode` also
/// writes), so the producer's hot path builds no intermediate `Record` values:
/// length, attributes, timestamp delta, offset delta, key, value, headers — lengths as zigzag
/// varints. Runs of varints go straight into the buffer's memory, one bounds check per run.
enum RecordEncoding {
    static func write(offsetDelta: Int32, timestampDelta: Int64, key: ByteBuffer?, value: ByteBuffer?,
                      headers: [RecordHeader], into buffer: inout ByteBuffer) {
        let keyLength = key.map { Int64($0.readableBytes) } ?? -1
        let valueLength = value.map { Int64($0.readableBytes) } ?? -1
        var bodySize = 1 + varlongSize(timestampDelta) + varlongSize(Int64(offsetDelta))
        bodySize += varlongSize(keyLength) + max(0, Int(keyLength)) + varlongSize(valueLength) + max(0, Int(valueLength))
        bodySize += varlongSize(Int64(headers.count))
        for header in headers {
            let headerKeyLength = header.key.utf8.count
            let headerValueLength = header.value.map { Int64($0.readableBytes) } ?? -1
            bodySize += varlongSize(Int64(headerKeyLength)) + headerKeyLength
            bodySize += varlongSize(headerValueLength) + max(0, Int(headerValueLength))
        }
        buffer.reserveCapacity(minimumWritableBytes: bodySize + 10)
        // length, attributes (0), timestamp delta, offset delta, key length
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 41) { memory in
            var index = put(Int64(bodySize), at: 0, in: memory)
            memory[index] = 0
            index += 1
            index = put(timestampDelta, at: index, in: memory)
            index = put(Int64(offsetDelta), at: index, in: memory)
            return put(keyLength, at: index, in: memory)
        }
        if let key { buffer.writeImmutableBuffer(key) }
        writeVarlong(valueLength, into: &buffer)
        if let value { buffer.writeImmutableBuffer(value) }
        writeVarlong(Int64(headers.count), into: &buffer)
        for header in headers {
            writeVarlong(Int64(header.key.utf8.count), into: &buffer)
            buffer.writeString(header.key)
            writeVarlong(header.value.map { Int64($0.readableBytes) } ?? -1, into: &buffer)
            if let headerValue = header.value { buffer.writeImmutableBuffer(headerValue) }
        }
    }

    private static func writeVarlong(_ value: Int64, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { put(value, at: 0, in: $0) }
    }

    /// Writes `value` as a zigzag varint at `index`; returns the index after it.
    @inline(__always)
    private static func put(_ value: Int64, at index: Int, in memory: UnsafeMutableRawBufferPointer) -> Int {
        var index = index
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while rest >= 0x80 {
            memory[index] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            index += 1
        }
        memory[index] = UInt8(truncatingIfNeeded: rest)
        return index + 1
    }

    /// Bytes of the zigzag varint encoding of `value`.
    static func varlongSize(_ value: Int64) -> Int {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var size = 1
        while zigzag >= 0x80 {
            zigzag >>= 7
            size += 1
        }
        return size
    }
}
