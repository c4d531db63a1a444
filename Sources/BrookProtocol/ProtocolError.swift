/// Errors raised while decoding Kafka wire data or frames. Decoders never trap on bad input; they throw one of these.
public enum ProtocolError: Error, Sendable, Equatable {
    /// The buffer ended before the value was complete.
    case truncated
    /// A length or count read from the wire is negative (other than the null marker) or exceeds the remaining bytes.
    case invalidLength(Int)
    /// A varint is longer than its type allows.
    case invalidVarint
    /// A string is not valid UTF-8.
    case invalidString
    /// The API exists but this version is not supported.
    case unsupportedVersion(apiKey: Int16, version: Int16)
    /// The API key is unknown.
    case unknownApiKey(Int16)
    /// A frame's declared size exceeds the configured maximum.
    case frameTooLarge(Int)
    /// A frame's declared size is negative.
    case negativeFrameSize(Int32)
    /// A non-nullable field was encoded as null.
    case unexpectedNull
}
