import NIOCore

/// A Kafka request or response body that can be decoded and encoded at any of its versions. Every generated message conforms.
public protocol KafkaMessage: Sendable {
    /// The API this message belongs to.
    static var apiKey: ApiKey { get }
    /// The versions this codec reads and writes.
    static var validVersions: ClosedRange<Int16> { get }
    /// The first flexible (compact + tagged fields) version; nil when the API is never flexible.
    static var firstFlexibleVersion: Int16? { get }
    /// Decodes the body; throws `unsupportedVersion` outside `validVersions`.
    init(from buffer: inout ByteBuffer, version: Int16) throws
    /// Encodes the body at `version`. Fields absent in that version are skipped.
    func encode(into buffer: inout ByteBuffer, version: Int16)
}

extension KafkaMessage {
    /// Whether `version` uses the flexible encoding.
    public static func isFlexible(version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }
}
