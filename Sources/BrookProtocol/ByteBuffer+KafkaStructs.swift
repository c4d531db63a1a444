import NIOCore

/// Nullable struct fields: an int8 marker (-1 = null, 1 = present) in versions where the field is nullable.
extension ByteBuffer {
    /// Reads a struct that may be null; without `nullable` there is no marker.
    public mutating func readKafkaNullableStruct<Value>(
        nullable: Bool,
        _ readValue: (inout ByteBuffer) throws -> Value
    ) throws -> Value? {
        if nullable, try readKafkaInteger(as: Int8.self) < 0 {
            return nil
        }
        return try readValue(&self)
    }

    /// Writes a struct that may be null. In versions where it is not nullable a nil value writes nothing useful,
    /// so callers should set it; the marker is written only when `nullable` is true.
    public mutating func writeKafkaNullableStruct<Value>(
        _ value: Value?,
        nullable: Bool,
        _ writeValue: (inout ByteBuffer, Value) -> Void
    ) {
        if nullable {
            writeInteger(Int8(value == nil ? -1 : 1))
        }
        if let value {
            writeValue(&self, value)
        }
    }
}
