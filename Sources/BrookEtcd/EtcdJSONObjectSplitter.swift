/// Cuts a byte stream into top-level JSON objects, whatever the chunking: the gateway writes one
/// object per streamed message (newline-separated), and a chunk may end anywhere inside one.
/// Sans-IO: feed bytes, get complete objects back. Whitespace between objects is skipped; anything
/// else outside an object, or an object larger than `maxObjectBytes`, is an error.
struct EtcdJSONObjectSplitter {
    let maxObjectBytes: Int
    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false

    init(maxObjectBytes: Int = 64 << 20) {
        self.maxObjectBytes = maxObjectBytes
    }

    /// Whether bytes of an unfinished object are buffered (a stream ending now was cut short).
    var hasPartialObject: Bool { !pending.isEmpty }

    /// Appends `bytes` and returns every object completed by them, in order.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(EtcdError) -> [[UInt8]] where Bytes.Element == UInt8 {
        var objects: [[UInt8]] = []
        for byte in bytes {
            if depth == 0 {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    continue
                case UInt8(ascii: "{"):
                    depth = 1
                    pending.append(byte)
                    continue
                default:
                    throw EtcdError.decode("byte 0x\(String(byte, radix: 16)) between JSON objects in the stream")
                }
            }
            pending.append(byte)
            guard pending.count <= maxObjectBytes else {
                throw EtcdError.decode("streamed JSON object longer than \(maxObjectBytes) bytes")
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    objects.append(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            default: break
            }
        }
        return objects
    }
}
