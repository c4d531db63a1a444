import NIOCore

/// Kafka bytes and records: int32 length (classic) or uvarint length+1 (compact); read as zero-copy slices.
extension ByteBuffer {
    /// Reads non-nullable bytes; null on the wire throws `unexpectedNull`.
    public mutating func readKafkaBytes(compact: Bool) throws -> ByteBuffer {
        guard let value = try readKafkaNullableBytes(compact: compact) else { throw ProtocolError.unexpectedNull }
        return value
    }

    /// Reads bytes that may be null. When `nullable` is false, null throws.
    public mutating func readKafkaNullableBytes(compact: Bool, nullable: Bool = true) throws -> ByteBuffer? {
        guard let length = try readKafkaLength(compact ? .compact : .int32) else {
            if nullable { return nil }
            throw ProtocolError.unexpectedNull
        }
        guard let slice = readSlice(length: length) else { throw ProtocolError.truncated }
        return slice
    }

    /// Writes bytes (the readable part of `value`).
    public mutating func writeKafkaBytes(_ value: ByteBuffer, compact: Bool) {
        writeKafkaLength(value.readableBytes, compact ? .compact : .int32)
        writeImmutableBuffer(value)
    }

    /// Writes bytes or the null marker.
    public mutating func writeKafkaNullableBytes(_ value: ByteBuffer?, compact: Bool) {
        if let value {
            writeKafkaBytes(value, compact: compact)
        } else {
            writeKafkaLength(nil, compact ? .compact : .int32)
        }
    }
}
