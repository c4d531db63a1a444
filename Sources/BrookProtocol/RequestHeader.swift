import NIOCore

/// The header in front of every request body. v0: key, version, correlation id; v1 adds the client id
/// (a classic nullable string); v2 (flexible APIs) adds tagged fields, the client id staying non-compact.
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// Reads apiKey, apiVersion, correlationId (first 8 bytes) without consuming; nil if < 8 bytes.
    public static func peek(_ frameBody: ByteBuffer) -> (apiKey: Int16, apiVersion: Int16, correlationId: Int32)? {
        let start = frameBody.readerIndex
        guard
            let apiKey = frameBody.getInteger(at: start, endianness: .big, as: Int16.self),
            let apiVersion = frameBody.getInteger(at: start + 2, endianness: .big, as: Int16.self),
            let correlationId = frameBody.getInteger(at: start + 4, endianness: .big, as: Int32.self)
        else { return nil }
        return (apiKey, apiVersion, correlationId)
    }

    /// Decodes a header of the given version (0, 1 or 2); unknown tagged fields are skipped.
    public init(from buffer: inout ByteBuffer, headerVersion: Int) throws {
        apiKey = try buffer.readKafkaInteger(as: Int16.self)
        apiVersion = try buffer.readKafkaInteger(as: Int16.self)
        correlationId = try buffer.readKafkaInteger(as: Int32.self)
        clientId = headerVersion >= 1 ? try buffer.readKafkaNullableString(compact: false) : nil
        if headerVersion >= 2 {
            try buffer.skipKafkaTaggedFields()
        }
    }

    /// Encodes the header at the given version (0, 1 or 2).
    public func encode(into buffer: inout ByteBuffer, headerVersion: Int) {
        buffer.writeKafkaInteger(apiKey)
        buffer.writeKafkaInteger(apiVersion)
        buffer.writeKafkaInteger(correlationId)
        if headerVersion >= 1 {
            buffer.writeKafkaNullableString(clientId, compact: false)
        }
        if headerVersion >= 2 {
            buffer.writeUnsignedVarint(0)
        }
    }
}
