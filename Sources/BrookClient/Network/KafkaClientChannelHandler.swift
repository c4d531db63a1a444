import BrookProtocol
import NIOCore

/// One request on its way to the broker: the complete frame (size prefix, header, body) whose
/// correlation id the handler fills in, and where the response body should go.
struct OutboundKafkaRequest: Sendable {
    var frame: ByteBuffer
    /// More of the same frame, written after `frame` (record batches sent without copying).
    var continuation: [ByteBuffer] = []
    var api: ApiKey
    var responseHeaderVersion: Int
    /// Completed with the response body (header stripped); nil when no response comes (acks=0).
    var responsePromise: EventLoopPromise<ByteBuffer>?
    var timeout: TimeAmount
}

/// The client side of a Kafka connection: numbers requests, pipelines them, frames responses and
/// hands each one to the request that is waiting for it. Kafka answers in request order on a
/// connection, so the pending requests form a queue; a response whose correlation id does not match
/// the head of the queue means the stream is corrupt and closes the connection.
final class KafkaClientChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundKafkaRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var correlationId: Int32
        var api: ApiKey
        var responseHeaderVersion: Int
        var promise: EventLoopPromise<ByteBuffer>
        var timeoutTask: Scheduled<Void>
    }

    private let broker: String
    private let maxFrameSize: Int
    private var pending = CircularBuffer<Pending>()
    private var nextCorrelationId: Int32 = 1
    private var inbox = ByteBuffer()
    private var closedError: Error?

    init(broker: String, maxFrameSize: Int) {
        self.broker = broker
        self.maxFrameSize = maxFrameSize
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if let error = closedError {
            request.responsePromise?.fail(error)
            promise?.fail(error)
            return
        }
        let correlationId = nextCorrelationId
        nextCorrelationId = correlationId == .max ? 1 : correlationId + 1
        // Frame layout: size (4), api key (2), api version (2), correlation id (4).
        request.frame.setInteger(correlationId, at: request.frame.readerIndex + 8)
        guard let responsePromise = request.responsePromise else {
            writeFrame(request, context: context, promise: promise)
            return
        }
        let channel = context.channel
        let api = request.api
        let broker = self.broker
        let timeoutTask = context.eventLoop.scheduleTask(in: request.timeout) {
            responsePromise.fail(KafkaClientError.requestTimedOut(api: api, broker: broker))
            // The answer may still come; the stream position is unknowable from here, so start over.
            channel.close(promise: nil)
        }
        pending.append(Pending(
            correlationId: correlationId, api: api, responseHeaderVersion: request.responseHeaderVersion,
            promise: responsePromise, timeoutTask: timeoutTask))
        let writePromise = promise ?? context.eventLoop.makePromise()
        writePromise.futureResult.whenFailure { error in responsePromise.fail(error) }
        writeFrame(request, context: context, promise: writePromise)
    }

    /// Writes the frame and its continuation parts; `promise` completes with the last part.
    private func writeFrame(_ request: OutboundKafkaRequest, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard !request.continuation.isEmpty else {
            context.write(wrapOutboundOut(request.frame), promise: promise)
            return
        }
        context.write(wrapOutboundOut(request.frame), promise: nil)
        for (index, part) in request.continuation.enumerated() {
            context.write(wrapOutboundOut(part), promise: index == request.continuation.count - 1 ? promise : nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if inbox.readableBytes == 0 {
            inbox = incoming
        } else {
            inbox.writeBuffer(&incoming)
        }
        do {
            while let frame = try KafkaFrame.read(from: &inbox, maxSize: maxFrameSize) {
                try dispatch(frame)
            }
        } catch {
            fail(context: context, error: error)
            return
        }
        if inbox.readableBytes == 0 {
            inbox = ByteBuffer()
        } else if let size = inbox.getInteger(at: inbox.readerIndex, as: Int32.self) {
            // A partial frame: make room for all of it at once instead of growing chunk by chunk.
            inbox.discardReadBytes()
            let missing = Int(size) + 4 - inbox.readableBytes
            if missing > 0 { inbox.reserveCapacity(minimumWritableBytes: missing) }
        }
    }

    private func dispatch(_ frame: ByteBuffer) throws {
        var body = frame
        guard let correlationId = body.getInteger(at: body.readerIndex, as: Int32.self) else {
            throw KafkaClientError.protocolViolation("response shorter than its header from \(broker)")
        }
        guard let head = pending.first, head.correlationId == correlationId else {
            throw KafkaClientError.protocolViolation(
                "unexpected correlation id \(correlationId) from \(broker) (expected \(pending.first.map { String($0.correlationId) } ?? "none"))")
        }
        pending.removeFirst()
        head.timeoutTask.cancel()
        do {
            _ = try ResponseHeader(from: &body, headerVersion: head.responseHeaderVersion)
        } catch {
            head.promise.fail(KafkaClientError.protocolViolation("bad \(head.api) response header from \(broker): \(error)"))
            return
        }
        head.promise.succeed(body)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(KafkaClientError.connectionClosed(broker: broker))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context: context, error: error)
    }

    private func fail(context: ChannelHandlerContext, error: Error) {
        let clientError = (error as? KafkaClientError)
            ?? KafkaClientError.connectionFailed(broker: broker, reason: String(describing: error))
        failAll(clientError)
        context.close(promise: nil)
    }

    private func failAll(_ error: Error) {
        if closedError == nil { closedError = error }
        while let next = pending.popFirst() {
            next.timeoutTask.cancel()
            next.promise.fail(error)
        }
    }
}
