import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits in each connection's pipeline after HTTP decoding and answers a `GET /schemas/ids/...`
/// whose answer `RegistryReadCache` holds, right on the event loop. Everything else goes on to
/// Hummingbird. Only when no earlier request of the connection is still being answered, so
/// pipelined responses keep their order; never for a request asking to close the connection.
final class RegistryFastReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let cache: RegistryReadCache
    private let serverName: String
    /// Requests passed on whose response has not ended yet.
    private var inFlight = 0
    /// The cached body being answered: the request's remaining parts are swallowed until its end.
    private var answering: ByteBuffer?

    init(cache: RegistryReadCache, serverName: String) {
        self.cache = cache
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering != nil {
            if case .end = part { answer(context: context) }
            return
        }
        if case .head(let request) = part, inFlight == 0, let body = cachedBody(for: request) {
            answering = body
            return
        }
        if case .head = part { inFlight += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inFlight = max(0, inFlight - 1) }
        context.write(data, promise: promise)
    }

    private func cachedBody(for request: HTTPRequest) -> ByteBuffer? {
        guard request.method == .get, let path = request.path, RegistryReadCache.caches(uri: path[...]) else { return nil }
        if let connection = request.headerFields[.connection], connection.lowercased().contains("close") { return nil }
        return cache.body(for: path)
    }

    private func answer(context: ChannelHandlerContext) {
        guard let body = answering else { return }
        answering = nil
        var fields = HTTPFields()
        fields[.contentType] = RegistryHTTPResponse.contentType
        fields[.contentLength] = String(body.readableBytes)
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
