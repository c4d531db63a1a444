/// Reads the protobuf wire format (varints, fixed-width values, length-delimited slices), never
/// reading past `end`.
struct ProtoWireReader {
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    let bytes: [UInt8]
    var index: Int
    let end: Int

    init(bytes: [UInt8], index: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.index = index
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { index >= end }

    mutating func varint() throws(ProtobufDataError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else { throw ProtobufDataError("truncated varint at byte \(index)") }
            let byte = bytes[index]
            index += 1
            if shift == 63, byte > 1 { throw ProtobufDataError("varint longer than 64 bits at byte \(index - 1)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ProtobufDataError("varint longer than 10 bytes at byte \(index - 1)") }
        }
    }

    mutating func fixed32() throws(ProtobufDataError) -> UInt32 {
        guard end - index >= 4 else { throw ProtobufDataError("truncated fixed32 at byte \(index)") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[index + i]) << (8 * UInt32(i)) }
        index += 4
        return value
    }

    mutating func fixed64() throws(ProtobufDataError) -> UInt64 {
        guard end - index >= 8 else { throw ProtobufDataError("truncated fixed64 at byte \(index)") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += 8
        return value
    }

    /// The bounds of a length-delimited value; the reader moves past it.
    mutating func lengthDelimited() throws(ProtobufDataError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - index) else {
            throw ProtobufDataError("length \(length) at byte \(index) runs past the end of the data")
        }
        let range = index..<(index + Int(length))
        index += Int(length)
        return range
    }

    /// (field number, wire type) of the next field.
    mutating func tag() throws(ProtobufDataError) -> (number: Int64, wireType: WireType) {
        let key = try varint()
        guard let wireType = WireType(rawValue: key & 7) else { throw ProtobufDataError("invalid wire type \(key & 7) at byte \(index)") }
        let number = key >> 3
        guard number >= 1, number <= UInt64(ProtoValidator.maximumFieldNumber) else { throw ProtobufDataError("invalid field number \(number)") }
        return (Int64(number), wireType)
    }

    /// Skips a field's value (an unknown field); groups nest at most `depth` deep.
    mutating func skip(_ wireType: WireType, number: Int64, depth: Int) throws(ProtobufDataError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        case .endGroup: throw ProtobufDataError("unexpected end-group for field \(number)")
        case .startGroup:
            guard depth < ProtobufJSONDecoder.maximumDepth else { throw ProtobufDataError("groups nested too deeply") }
            while true {
                let (inner, innerType) = try tag()
                if innerType == .endGroup {
                    guard inner == number else { throw ProtobufDataError("mismatched end-group for field \(number)") }
                    return
                }
                try skip(innerType, number: inner, depth: depth + 1)
            }
        }
    }
}
