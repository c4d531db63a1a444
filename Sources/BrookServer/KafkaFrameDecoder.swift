import BrookProtocol
import NIOCore

/// Splits the byte stream into Kafka request frames, refusing any frame above `socket.request.max.bytes`
/// before its body is buffered. Tells the connection (`PartialFrame`) when the first bytes of a
/// frame arrive without the rest, so a request trickling in can be timed.
struct KafkaFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Sent down the pipeline when bytes of a new, still incomplete frame are buffered.
    struct PartialFrame: Sendable {}

    let maxFrameSize: Int
    private var partial = false

    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let frame = try KafkaFrame.read(from: &buffer, maxSize: maxFrameSize) {
            partial = false
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
        if buffer.readableBytes > 0 && !partial {
            partial = true
            context.fireUserInboundEventTriggered(PartialFrame())
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
