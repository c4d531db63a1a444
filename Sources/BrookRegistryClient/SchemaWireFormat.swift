/// The Schema Registry wire format of a key or value: magic byte 0, the schema id as a big-endian
/// 32-bit integer, then the serialized payload (for Protobuf, the message indexes come first).
public enum SchemaWireFormat {
    /// `payload` prefixed with the magic byte and `schemaId`.
    public static func frame(schemaId: Int32, payload: [UInt8]) -> [UInt8] {
        let id = UInt32(bitPattern: schemaId)
        return [0, UInt8(id >> 24), UInt8(truncatingIfNeeded: id >> 16), UInt8(truncatingIfNeeded: id >> 8),
                UInt8(truncatingIfNeeded: id)] + payload
    }

    /// The schema id and payload of framed `data`; nil when it does not start with the wire format.
    public static func parse(_ data: [UInt8]) -> (schemaId: Int32, payload: ArraySlice<UInt8>)? {
        guard data.count >= 5, data[0] == 0 else { return nil }
        let id = UInt32(data[1]) << 24 | UInt32(data[2]) << 16 | UInt32(data[3]) << 8 | UInt32(data[4])
        return (Int32(bitPattern: id), data[5...])
    }
}
