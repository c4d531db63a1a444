/// Bytes that are not a valid message of the schema (truncated, bad lengths, wrong wire types),
/// or JSON that does not fit the message when encoding.
public struct ProtobufDataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
