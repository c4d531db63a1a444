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
