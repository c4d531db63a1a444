/// A 128-bit Kafka UUID (topic ids, directory ids), printed as Kafka prints it: URL-safe base64 without padding.
public struct KafkaUUID: Hashable, Sendable, CustomStringConvertible {
    /// The most significant 64 bits.
    public var high: UInt64
    /// The least significant 64 bits.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero UUID, Kafka's "no id".
    public static let zero = KafkaUUID(high: 0, low: 0)

    /// The id Kafka reserves for the metadata topic.
    public static let metadataTopicId = KafkaUUID(high: 0, low: 1)

    /// A random UUID that, like Kafka's, is never zero, never the metadata topic id and never prints with a leading "-".
    public static func random() -> KafkaUUID {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = KafkaUUID(high: generator.next(), low: generator.next())
            if candidate != .zero, candidate != .metadataTopicId, !candidate.description.hasPrefix("-") {
                return candidate
            }
        }
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return out
    }

    public var description: String { Base64URL.encode(bytes) }

    /// Parses Kafka's 22-character URL-safe base64 form; nil when the text is not exactly 16 bytes of base64.
    public init?(base64: String) {
        guard let bytes = Base64URL.decode(base64), bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        self.init(high: high, low: low)
    }
}
