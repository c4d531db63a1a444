import BrookProtocol
import NIOCore

/// Reads the topic list out of a consumer-protocol subscription (JoinGroup metadata of protocol type
/// "consumer"). Every version starts with an int16 version and the topics array, so only that
/// prefix is parsed — as Kafka's coordinator does.
public enum ConsumerProtocolSubscription {
    /// The subscribed topics, or nil if the bytes are not a consumer subscription.
    public static func topics(in metadata: ByteBuffer) -> Set<String>? {
        var buffer = metadata
        do {
            let version = try buffer.readKafkaInteger(as: Int16.self)
            guard version >= 0 else { return nil }
            return Set(try buffer.readKafkaArray(compact: false) { try $0.readKafkaString(compact: false) })
        } catch {
            return nil
        }
    }
}
