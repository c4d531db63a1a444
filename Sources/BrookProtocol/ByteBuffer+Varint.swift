import NIOCore

/// Variable-length integers: unsigned varints (lengths, counts, tags) and zigzag varint/varlong (record fields).
extension ByteBuffer {
    /// Reads an unsigned varint of at most 5 bytes that fits in 32 bits.
    public mutating func readUnsignedVarint() throws -> UInt32 {
        UInt32(truncatingIfNeeded: try readRawVarint(maxBytes: 5, bits: 32))
    }

    /// Reads an unsigned varint of at most 10 bytes.
    public mutating func readUnsignedVarlong() throws -> UInt64 {
        try readRawVarint(maxBytes: 10, bits: 64)
    }

    /// Reads a zigzag-encoded 32-bit varint.
    public mutating func readVarint() throws -> Int32 {
        let raw = try readUnsignedVarint()
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a zigzag-encoded 64-bit varlong.
    public mutating func readVarlong() throws -> Int64 {
        let raw = try readUnsignedVarlong()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Writes an unsigned varint.
    public mutating func writeUnsignedVarint(_ value: UInt32) {
        writeUnsignedVarlong(UInt64(value))
    }

    /// Writes an unsigned 64-bit varint.
    public mutating func writeUnsignedVarlong(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        writeInteger(UInt8(rest))
    }

    /// Writes a zigzag-encoded 32-bit varint.
    public mutating func writeVarint(_ value: Int32) {
        writeUnsignedVarint(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    /// Writes a zigzag-encoded 64-bit varlong.
    public mutating func writeVarlong(_ value: Int64) {
        writeUnsignedVarlong(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads an unsigned varint as a non-negative Int (used for lengths and counts).
    mutating func readUnsignedVarintAsInt() throws -> Int {
        Int(try readUnsignedVarint())
    }

    /// Reads varint bytes; rejects encodings longer than `maxBytes` or carrying bits beyond `bits`.
    private mutating func readRawVarint(maxBytes: Int, bits: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift = 0
        for index in 0..<maxBytes {
            guard let byte = readInteger(as: UInt8.self) else { throw ProtocolError.truncated }
            let payload = UInt64(byte & 0x7F)
            if index == maxBytes - 1 {
                let allowedBits = bits - shift
                if byte & 0x80 != 0 || (allowedBits < 7 && payload >> UInt64(allowedBits) != 0) {
                    throw ProtocolError.invalidVarint
                }
            }
            result |= payload << UInt64(shift)
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtocolError.invalidVarint
    }
}
