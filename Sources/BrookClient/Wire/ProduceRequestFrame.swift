import BrookProtocol
import NIOCore

/// Frames a Produce request as several buffers — the request's own fields in small buffers, each
/// record batch as the producer built it — so batches go to the socket without being copied into
/// one frame (the channel writes the parts with vectored I/O). The bytes are exactly those of
/// `RequestHeader` + `ProduceRequest.encode`.
enum ProduceRequestFrame {
    static func parts(_ request: ProduceRequest, version: Int16, clientId: String,
                      allocator: ByteBufferAllocator) -> [ByteBuffer] {
        let compact = version >= 9
        var parts: [ByteBuffer] = []
        var current = allocator.buffer(capacity: 256)
        current.writeInteger(Int32(0))  // size, patched below
        RequestHeader(apiKey: ApiKey.produce.rawValue, apiVersion: version, correlationId: 0, clientId: clientId)
            .encode(into: &current, headerVersion: compact ? 2 : 1)
        current.writeKafkaNullableString(request.transactionalId, compact: compact)
        current.writeKafkaInteger(request.acks)
        current.writeKafkaInteger(request.timeoutMs)
        writeCount(request.topicData.count, compact: compact, into: &current)
        for topic in request.topicData {
            current.writeKafkaString(topic.name, compact: compact)
            writeCount(topic.partitionData.count, compact: compact, into: &current)
            for partition in topic.partitionData {
                current.writeKafkaInteger(partition.index)
                if let records = partition.records {
                    if compact {
                        current.writeUnsignedVarint(UInt32(records.readableBytes + 1))
                    } else {
                        current.writeKafkaInteger(Int32(records.readableBytes))
                    }
                    parts.append(current)
                    parts.append(records)
                    current = allocator.buffer(capacity: 64)
                } else {
                    current.writeKafkaNullableBytes(nil, compact: compact)
                }
                if compact { current.writeUnsignedVarint(0) }
            }
            if compact { current.writeUnsignedVarint(0) }
        }
        if compact { current.writeUnsignedVarint(0) }
        parts.append(current)
        let size = parts.reduce(0) { $0 + $1.readableBytes } - 4
        parts[0].setInteger(Int32(size), at: parts[0].readerIndex)
        return parts
    }

    private static func writeCount(_ count: Int, compact: Bool, into buffer: inout ByteBuffer) {
        if compact {
            buffer.writeUnsignedVarint(UInt32(count + 1))
        } else {
            buffer.writeKafkaInteger(Int32(count))
        }
    }
}
