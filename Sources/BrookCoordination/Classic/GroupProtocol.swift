import NIOCore

/// One protocol a member supports in JoinGroup (an assignor name for consumers) with its opaque metadata.
public struct GroupProtocol: Sendable, Equatable {
    public var name: String
    public var metadata: ByteBuffer

    public init(name: String, metadata: ByteBuffer) {
        self.name = name
        self.metadata = metadata
    }
}
