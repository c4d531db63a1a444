import NIOCore

/// Length and count prefixes, checked against the readable bytes before anything is allocated.
extension ByteBuffer {
    /// Reads a length prefix: int16 (`short`), int32, or compact uvarint (value minus one). Returns nil for null (-1).
    /// Throws `invalidLength` when the length is below -1 or larger than `readableBytes / minElementSize`.
    mutating func readKafkaLength(_ kind: KafkaLengthKind, minElementSize: Int = 1) throws -> Int? {
        let length: Int
        switch kind {
        case .int16: length = Int(try readKafkaInteger(as: Int16.self))
        case .int32: length = Int(try readKafkaInteger(as: Int32.self))
        case .compact: length = try readUnsignedVarintAsInt() - 1
        }
        if length == -1 { return nil }
        guard length >= 0 else { throw ProtocolError.invalidLength(length) }
        let (bytesNeeded, overflow) = length.multipliedReportingOverflow(by: max(minElementSize, 1))
        guard !overflow, bytesNeeded <= readableBytes else {
            throw length > readableBytes ? ProtocolError.truncated : ProtocolError.invalidLength(length)
        }
        return length
    }

    /// Writes a length prefix; nil writes the null marker.
    mutating func writeKafkaLength(_ length: Int?, _ kind: KafkaLengthKind) {
        switch kind {
        case .int16: writeInteger(Int16(truncatingIfNeeded: length ?? -1), endianness: .big)
        case .int32: writeInteger(Int32(truncatingIfNeeded: length ?? -1), endianness: .big)
        case .compact: writeUnsignedVarint(UInt32(truncatingIfNeeded: (length ?? -1) + 1))
        }
    }
}

/// How a string, bytes or array length is encoded on the wire.
enum KafkaLengthKind {
    case int16
    case int32
    case compact
}
