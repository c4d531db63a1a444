import NIOCore

/// One tagged field as read from the wire: its tag and a slice holding exactly its data.
public struct KafkaTaggedField: Sendable {
    /// The field's tag.
    public var tag: UInt32
    /// The field's bytes.
    public var data: ByteBuffer
}

/// Tagged-field sections (flexible versions): uvarint count, then per field uvarint tag, uvarint size, data.
extension ByteBuffer {
    /// Reads the number of tagged fields that follow (each takes at least two bytes).
    public mutating func readKafkaTaggedFieldCount() throws -> Int {
        let count = try readUnsignedVarintAsInt()
        guard count <= readableBytes / 2 else { throw ProtocolError.invalidLength(count) }
        return count
    }

    /// Reads one tagged field's tag and a slice with its data.
    public mutating func readKafkaTaggedField() throws -> KafkaTaggedField {
        let tag = try readUnsignedVarint()
        let size = try readUnsignedVarintAsInt()
        guard let data = readSlice(length: size) else { throw ProtocolError.truncated }
        return KafkaTaggedField(tag: tag, data: data)
    }

    /// Skips a whole tagged-field section (all tags unknown to the caller).
    public mutating func skipKafkaTaggedFields() throws {
        let count = try readKafkaTaggedFieldCount()
        for _ in 0..<count {
            _ = try readKafkaTaggedField()
        }
    }
}

/// Collects tagged fields to write, then writes the section in tag order.
public struct KafkaTaggedFieldWriter {
    private var fields: [(tag: UInt32, data: ByteBuffer)] = []

    public init() {}

    /// Adds a field; `body` writes its data.
    public mutating func add(tag: UInt32, _ body: (inout ByteBuffer) -> Void) {
        var data = ByteBuffer()
        body(&data)
        fields.append((tag, data))
    }

    /// Writes the count and every field, sorted by tag.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeUnsignedVarint(UInt32(fields.count))
        for field in fields.sorted(by: { $0.tag < $1.tag }) {
            buffer.writeUnsignedVarint(field.tag)
            buffer.writeUnsignedVarint(UInt32(field.data.readableBytes))
            buffer.writeImmutableBuffer(field.data)
        }
    }
}
