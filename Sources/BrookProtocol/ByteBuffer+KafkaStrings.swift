import NIOCore

/// Kafka strings: int16 length (classic) or uvarint length+1 (compact); -1 / 0 means null. UTF-8 is validated.
extension ByteBuffer {
    /// Reads a non-nullable string; null on the wire throws `unexpectedNull`.
    public mutating func readKafkaString(compact: Bool) throws -> String {
        guard let value = try readKafkaNullableString(compact: compact) else { throw ProtocolError.unexpectedNull }
        return value
    }

    /// Reads a string that may be null. When `nullable` is false (a version where the field is not nullable), null throws.
    public mutating func readKafkaNullableString(compact: Bool, nullable: Bool = true) throws -> String? {
        guard let length = try readKafkaLength(compact ? .compact : .int16) else {
            if nullable { return nil }
            throw ProtocolError.unexpectedNull
        }
        guard let bytes = readSlice(length: length) else { throw ProtocolError.truncated }
        guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            throw ProtocolError.invalidString
        }
        return text
    }

    /// Writes a non-null string.
    public mutating func writeKafkaString(_ value: String, compact: Bool) {
        let utf8 = value.utf8
        writeKafkaLength(utf8.count, compact ? .compact : .int16)
        writeBytes(utf8)
    }

    /// Writes a string or the null marker.
    public mutating func writeKafkaNullableString(_ value: String?, compact: Bool) {
        if let value {
            writeKafkaString(value, compact: compact)
        } else {
            writeKafkaLength(nil, compact ? .compact : .int16)
        }
    }
}
