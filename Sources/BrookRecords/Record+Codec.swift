import NIOCore

// Record v2 layout (Kafka protocol guide, "Record"):
//   length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
//   keyLength varint (-1 = null), key, valueLength varint (-1 = null), value,
//   headerCount varint, then per header: keyLength varint, key (UTF-8), valueLength varint (-1 = null), value.

extension Record {
    /// Size of the body (everything after the leading length varint).
    @inlinable
    var bodySize: Int {
        var n = 1 + Varint.size(timestampDelta) + Varint.size(Int64(offsetDelta))
        n += Self.nullableSize(key?.readableBytes)
        n += Self.nullableSize(value?.readableBytes)
        n += Varint.size(Int64(headers.count))
        for h in headers {
            let k = h.key.utf8.count
            n += Varint.size(Int64(k)) + k
            n += Self.nullableSize(h.value?.readableBytes)
        }
        return n
    }

    @inlinable
    static func nullableSize(_ length: Int?) -> Int {
        guard let length else { return 1 }
        return Varint.size(Int64(length)) + length
    }

    /// Size of the record on the wire, length prefix included.
    public var encodedSize: Int {
        let body = bodySize
        return Varint.size(Int64(body)) + body
    }

    /// Appends the record (length prefix included) at the writer index of `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        let body = bodySize
        buffer.reserveCapacity(minimumWritableBytes: body + 5)
        buffer.writeZigZag(Int64(body))
        buffer.writeInteger(attributes)
        buffer.writeZigZag(timestampDelta)
        buffer.writeZigZag(Int64(offsetDelta))
        Self.writeNullable(key, into: &buffer)
        Self.writeNullable(value, into: &buffer)
        buffer.writeZigZag(Int64(headers.count))
        for h in headers {
            buffer.writeZigZag(Int64(h.key.utf8.count))
            buffer.writeString(h.key)
            Self.writeNullable(h.value, into: &buffer)
        }
    }

    @inlinable
    static func writeNullable(_ bytes: ByteBuffer?, into buffer: inout ByteBuffer) {
        if let bytes {
            buffer.writeZigZag(Int64(bytes.readableBytes))
            buffer.writeImmutableBuffer(bytes)
        } else {
            buffer.writeZigZag(-1)
        }
    }
}
