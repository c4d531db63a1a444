import NIOCore

/// Fixed-width Kafka primitives: big-endian integers, bool, float64, UUID.
extension ByteBuffer {
    /// Reads a big-endian integer or throws `truncated`.
    @inlinable
    public mutating func readKafkaInteger<T: FixedWidthInteger>(as type: T.Type = T.self) throws -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else { throw ProtocolError.truncated }
        return value
    }

    /// Writes a big-endian integer.
    @inlinable
    public mutating func writeKafkaInteger<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .big)
    }

    /// Reads a Kafka bool (one byte, non-zero is true).
    public mutating func readKafkaBool() throws -> Bool {
        try readKafkaInteger(as: UInt8.self) != 0
    }

    /// Writes a Kafka bool as 0 or 1.
    public mutating func writeKafkaBool(_ value: Bool) {
        writeInteger(UInt8(value ? 1 : 0))
    }

    /// Reads an IEEE 754 double in big-endian order.
    public mutating func readKafkaFloat64() throws -> Double {
        Double(bitPattern: try readKafkaInteger(as: UInt64.self))
    }

    /// Writes an IEEE 754 double in big-endian order.
    public mutating func writeKafkaFloat64(_ value: Double) {
        writeInteger(value.bitPattern, endianness: .big)
    }

    /// Reads a 16-byte UUID.
    public mutating func readKafkaUUID() throws -> KafkaUUID {
        guard readableBytes >= 16 else { throw ProtocolError.truncated }
        let high = try readKafkaInteger(as: UInt64.self)
        let low = try readKafkaInteger(as: UInt64.self)
        return KafkaUUID(high: high, low: low)
    }

    /// Writes a 16-byte UUID.
    public mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.high, endianness: .big)
        writeInteger(value.low, endianness: .big)
    }
}
