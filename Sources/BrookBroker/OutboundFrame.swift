import BrookProtocol
import BrookStorage
import NIOCore

/// A complete response frame ready for the socket: byte buffers and file regions (sent with
/// sendfile) in order, plus the segment files to release once it has been written or dropped.
public struct OutboundFrame: Sendable {
    public var parts: [IOData]
    /// The claims on the segment files the file regions read.
    public var files: [SegmentFileLease]

    public init(parts: [IOData], files: [SegmentFileLease] = []) {
        self.parts = parts
        self.files = files
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

    /// Releases the segment files, after the write completed or was abandoned (again: no effect).
    public func closeFiles() {
        for file in files { file.release() }
    }
}
