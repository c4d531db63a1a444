import NIOCore
import NIOHTTP1

/// Where one HTTP response goes as it arrives. All callbacks run on the connection's event loop;
/// `onEnd` or `onError` comes last, and `onError` may follow more than once (a failed write and
/// the closed connection both report), so sinks ignore anything after their first ending.
struct EtcdResponseSink: Sendable {
    var onHead: @Sendable (HTTPResponseHead) -> Void
    var onBody: @Sendable (ByteBuffer) -> Void
    var onEnd: @Sendable () -> Void
    var onError: @Sendable (EtcdError) -> Void
}

/// One POST to the gateway with its JSON body and where its response goes.
struct EtcdOutboundRequest: Sendable {
    var path: String
    var body: ByteBuffer
    var sink: EtcdResponseSink
    /// Fail with `timeout` (and close the connection) when no answer has arrived by then: the whole
    /// response for unary calls, only the response head for streams.
    var timeout: TimeAmount
    var timeoutCoversBody: Bool
}

/// HTTP/1.1 client handler for one etcd connection: one request at a time (the pool never
/// pipelines), response parts forwarded to the request's sink.
final class EtcdHTTPHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = EtcdOutboundRequest
    typealias OutboundOut = HTTPClientRequestPart

    private let endpoint: String
    private let hostHeader: String
    private var current: EtcdResponseSink?
    private var timeout: Scheduled<Void>?
    private var timeoutCoversBody = true

    init(endpoint: EtcdEndpoint) {
        self.endpoint = endpoint.description
        self.hostHeader = endpoint.description
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard current == nil else {
            request.sink.onError(.connectionClosed(endpoint: endpoint))
            promise?.fail(EtcdError.connectionClosed(endpoint: endpoint))
            return
        }
        current = request.sink
        timeoutCoversBody = request.timeoutCoversBody
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let milliseconds = request.timeout.nanoseconds / 1_000_000
        timeout = context.eventLoop.scheduleTask(in: request.timeout) {
            let (handler, context) = loopBound.value
            handler.fail(.timeout(endpoint: handler.endpoint, milliseconds: milliseconds), context: context)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(request.body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: request.path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let sink = current else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if !timeoutCoversBody {
                timeout?.cancel()
                timeout = nil
            }
            sink.onHead(head)
        case .body(let buffer):
            sink.onBody(buffer)
        case .end:
            timeout?.cancel()
            timeout = nil
            current = nil
            sink.onEnd()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(endpoint: endpoint), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(.connectionClosed(endpoint: endpoint), context: context)
    }

    /// Ends the current request with `error` and closes the connection (its state is unknown now).
    private func fail(_ error: EtcdError, context: ChannelHandlerContext?) {
        timeout?.cancel()
        timeout = nil
        if let sink = current {
            current = nil
            sink.onError(error)
        }
        context?.close(promise: nil)
    }
}
