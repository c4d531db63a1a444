import BrookProtocol
import BrookStorage
import NIOCore

/// Writes a Fetch response (versions 4–17) as byte buffers around file regions, so record batches
/// go from the segment files to the socket with sendfile instead of through memory.
///
/// Each partition with file data is encoded by the generated codec with null records, whose
/// encoding is the tail of the partition (int32 -1, or for v12 a zero length byte followed by the
/// empty tagged-field section); that tail is replaced by the real length and the file region.
enum FetchResponseWriter {
    static func frame(_ result: FetchResult, version: Int16, correlationId: Int32) -> OutboundFrame {
        precondition((4...17).contains(version), "Fetch zero-copy writer covers versions 4-17")
        let flexible = version >= 12
        var files: [Int: [Int: LogSlice]] = [:]
        for file in result.files { files[file.topicIndex, default: [:]][file.partitionIndex] = file.slice }

        var parts: [IOData] = []
        var leases: [SegmentFileLease] = []
        var total = 0
        var buffer = ByteBuffer()
        buffer.reserveCapacity(512)
        buffer.writeInteger(Int32(0))  // size, patched below
        ResponseHeader(correlationId: correlationId).encode(into: &buffer, headerVersion: flexible ? 1 : 0)
        let response = result.response
        buffer.writeKafkaInteger(response.throttleTimeMs)
        if version >= 7 {
            buffer.writeKafkaInteger(response.errorCode)
            buffer.writeKafkaInteger(response.sessionId)
        }
        writeCount(response.responses.count, into: &buffer, flexible: flexible)
        for (t, topic) in response.responses.enumerated() {
            if version >= 13 {
                buffer.writeKafkaUUID(topic.topicId)
            } else {
                buffer.writeKafkaString(topic.topic, compact: flexible)
            }
            writeCount(topic.partitions.count, into: &buffer, flexible: flexible)
            for (p, partition) in topic.partitions.enumerated() {
                guard let slice = files[t]?[p] else {
                    partition.encode(into: &buffer, version: version)
                    continue
                }
                var stub = partition
                stub.records = nil
                stub.encode(into: &buffer, version: version)
                if flexible {
                    // Null compact bytes (0) and an empty tagged-field section (0).
                    buffer.moveWriterIndex(to: buffer.writerIndex - 2)
                    buffer.writeUnsignedVarint(UInt32(slice.length + 1))
                } else {
                    buffer.moveWriterIndex(to: buffer.writerIndex - 4)
                    buffer.writeInteger(Int32(slice.length))
                }
                total += buffer.readableBytes
                parts.append(.byteBuffer(buffer))
                parts.append(.fileRegion(FileRegion(fileHandle: slice.file.fileHandle, readerIndex: slice.position,
                                                    endIndex: slice.position + slice.length)))
                leases.append(slice.file)
                total += slice.length
                buffer = ByteBuffer()
                buffer.reserveCapacity(256)
                if flexible { buffer.writeUnsignedVarint(0) }
            }
            if flexible { buffer.writeUnsignedVarint(0) }
        }
        if flexible { buffer.writeUnsignedVarint(0) }
        total += buffer.readableBytes
        parts.append(.byteBuffer(buffer))
        // Patch the frame size (everything after the 4-byte prefix) into the first buffer.
        if case .byteBuffer(var first) = parts[0] {
            first.setInteger(Int32(total - 4), at: first.readerIndex)
            parts[0] = .byteBuffer(first)
        }
        return OutboundFrame(parts: parts, files: leases)
    }

    private static func writeCount(_ count: Int, into buffer: inout ByteBuffer, flexible: Bool) {
        if flexible {
            buffer.writeUnsignedVarint(UInt32(count + 1))
        } else {
            buffer.writeInteger(Int32(count))
        }
    }
}
