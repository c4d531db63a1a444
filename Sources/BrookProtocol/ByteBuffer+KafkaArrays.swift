import NIOCore

/// Kafka arrays: int32 count (classic) or uvarint count+1 (compact); -1 / 0 means null.
/// The count is checked against the readable bytes (times the element's minimum size) before reserving storage.
extension ByteBuffer {
    /// Reads a non-nullable array; null on the wire throws `unexpectedNull`.
    public mutating func readKafkaArray<Element>(
        compact: Bool,
        minElementSize: Int = 1,
        _ readElement: (inout ByteBuffer) throws -> Element
    ) throws -> [Element] {
        guard let value = try readKafkaNullableArray(compact: compact, minElementSize: minElementSize, readElement) else {
            throw ProtocolError.unexpectedNull
        }
        return value
    }

    /// Reads an array that may be null. When `nullable` is false, null throws.
    public mutating func readKafkaNullableArray<Element>(
        compact: Bool,
        nullable: Bool = true,
        minElementSize: Int = 1,
        _ readElement: (inout ByteBuffer) throws -> Element
    ) throws -> [Element]? {
        guard let count = try readKafkaLength(compact ? .compact : .int32, minElementSize: minElementSize) else {
            if nullable { return nil }
            throw ProtocolError.unexpectedNull
        }
        var elements = [Element]()
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    /// Writes an array.
    public mutating func writeKafkaArray<Element>(
        _ value: [Element],
        compact: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        writeKafkaLength(value.count, compact ? .compact : .int32)
        for element in value {
            writeElement(&self, element)
        }
    }

    /// Writes an array or the null marker.
    public mutating func writeKafkaNullableArray<Element>(
        _ value: [Element]?,
        compact: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        if let value {
            writeKafkaArray(value, compact: compact, writeElement)
        } else {
            writeKafkaLength(nil, compact ? .compact : .int32)
        }
    }
}
