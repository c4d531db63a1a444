/// Bytes that are not a valid message of the schema (truncated, bad lengths, wrong wire types),
/// or JSON that does not fit the message when encoding.
public struct ProtobufDataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

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

/// Confluent's framing of a Protobuf payload after the magic byte and schema id: the message
/// indexes as a zigzag-varint count followed by zigzag-varint indexes (`[0]` written as one `0`).
public enum ConfluentProtobufFraming {
    /// The message indexes at the start of `payload` and where the message bytes begin.
    public static func readMessageIndexes(_ payload: [UInt8]) throws(ProtobufDataError) -> (indexes: [Int], messageStart: Int) {
        var reader = ProtoWireReader(bytes: payload)
        let count = zigzag(try reader.varint())
        guard count >= 0, count <= 1_000 else { throw ProtobufDataError("invalid message index count \(count)") }
        if count == 0 { return ([0], reader.index) }
        var indexes: [Int] = []
        for _ in 0..<count {
            let index = zigzag(try reader.varint())
            guard index >= 0, index <= Int64(Int32.max) else { throw ProtobufDataError("invalid message index \(index)") }
            indexes.append(Int(index))
        }
        return (indexes, reader.index)
    }

    /// The bytes Confluent's serializer writes for `indexes`.
    public static func messageIndexBytes(_ indexes: [Int]) -> [UInt8] {
        if indexes == [0] { return [0] }
        var out: [UInt8] = []
        ProtoWireWriter.appendVarint(zigzagEncode(Int64(indexes.count)), to: &out)
        for index in indexes { ProtoWireWriter.appendVarint(zigzagEncode(Int64(index)), to: &out) }
        return out
    }

    static func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    static func zigzagEncode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

/// Appends protobuf wire-format values.
enum ProtoWireWriter {
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func appendTag(_ number: Int64, _ wireType: ProtoWireReader.WireType, to out: inout [UInt8]) {
        appendVarint(UInt64(number) << 3 | wireType.rawValue, to: &out)
    }

    static func appendFixed32(_ value: UInt32, to out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    static func appendFixed64(_ value: UInt64, to out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    static func appendLengthDelimited(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }
}
