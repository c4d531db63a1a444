/// URL-safe base64 without padding (RFC 4648 §5), as Kafka uses for UUIDs.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            if remaining > 1 { out.append(alphabet[Int(triple >> 6 & 63)]) }
            if remaining > 2 { out.append(alphabet[Int(triple & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values = [UInt32]()
        for char in text.utf8 {
            switch char {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(UInt32(char - UInt8(ascii: "A")))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(UInt32(char - UInt8(ascii: "a")) + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(UInt32(char - UInt8(ascii: "0")) + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        if values.count % 4 == 1 { return nil }
        var out = [UInt8]()
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var acc: UInt32 = 0
            for value in chunk { acc = acc << 6 | value }
            acc <<= UInt32(6 * (4 - chunk.count))
            let byteCount = chunk.count - 1
            for position in 0..<byteCount { out.append(UInt8(truncatingIfNeeded: acc >> UInt32(16 - 8 * position))) }
            index += 4
        }
        return out
    }
}
