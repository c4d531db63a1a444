import BrookProtocol
import NIOCore

/// A complete response frame ready for the socket: byte buffers and file regions (sent with
/// sendfile) in order, plus the file handles to close once it has been written or dropped.
public struct OutboundFrame: Sendable {
    public var parts: [IOData]
    public var fileHandles: [NIOFileHandle]

    public init(parts: [IOData], fileHandles: [NIOFileHandle] = []) {
        self.parts = parts
        self.fileHandles = fileHandles
    }

    /// A frame holding one encoded message after its response header.
    static func message(_ message: any KafkaMessage, version: Int16, correlationId: Int32, headerVersion: Int) -> OutboundFrame {
        var out = ByteBuffer()
        out.reserveCapacity(256)
        KafkaFrame.write(into: &out) { body in
            ResponseHeader(correlationId: correlationId).encode(into: &body, headerVersion: headerVersion)
            message.encode(into: &body, version: version)
        }
        return OutboundFrame(parts: [.byteBuffer(out)])
    }

    /// Releases the file handles; call exactly once, after the write completed or was abandoned.
    public func closeFiles() {
        for handle in fileHandles { try? handle.close() }
    }
}
