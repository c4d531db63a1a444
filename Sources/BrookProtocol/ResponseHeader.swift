import NIOCore

/// The header in front of every response body: v0 is the correlation id, v1 adds tagged fields.
public struct ResponseHeader: Sendable, Equatable {
    public var correlationId: Int32

    public init(correlationId: Int32) {
        self.correlationId = correlationId
    }

    /// Decodes a header of the given version (0 or 1); unknown tagged fields are skipped.
    public init(from buffer: inout ByteBuffer, headerVersion: Int) throws {
        correlationId = try buffer.readKafkaInteger(as: Int32.self)
        if headerVersion >= 1 {
            try buffer.skipKafkaTaggedFields()
        }
    }

    /// Encodes the header at the given version (0 or 1).
    public func encode(into buffer: inout ByteBuffer, headerVersion: Int) {
        buffer.writeKafkaInteger(correlationId)
        if headerVersion >= 1 {
            buffer.writeUnsignedVarint(0)
        }
    }
}
