import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A complete HTTP answer from the gateway.
struct EtcdHTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var body: ByteBuffer
    /// The server allows another request on this connection.
    var keepAlive: Bool
}

/// One HTTP/1.1 keep-alive connection to one etcd endpoint, one request at a time.
final class EtcdConnection: Sendable {
    let endpoint: EtcdEndpoint
    let channel: Channel

    private init(endpoint: EtcdEndpoint, channel: Channel) {
        self.endpoint = endpoint
        self.channel = channel
    }

    var isActive: Bool { channel.isActive }

    static func connect(to endpoint: EtcdEndpoint, group: EventLoopGroup, connectTimeout: TimeAmount) async throws -> EtcdConnection {
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        #if os(Linux)
        // A watch connection may be idle for hours; TCP keep-alive finds an etcd host that vanished
        // (power loss, partition) in about 10 s instead of never: probe after 4 s idle, every 2 s, 3 tries.
        bootstrap = bootstrap
            .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPIDLE)), value: 4)
            .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPINTVL)), value: 2)
            .channelOption(ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_KEEPCNT)), value: 3)
        #endif
        bootstrap = bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(EtcdHTTPHandler(endpoint: endpoint))
                }
            }
        let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        return EtcdConnection(endpoint: endpoint, channel: channel)
    }

    /// Starts a request whose response parts go to `sink`.
    func send(path: String, body: [UInt8], sink: EtcdResponseSink, timeout: TimeAmount, timeoutCoversBody: Bool) {
        let request = EtcdOutboundRequest(
            path: path, body: channel.allocator.buffer(bytes: body), sink: sink, timeout: timeout,
            timeoutCoversBody: timeoutCoversBody)
        // A write to a channel that closed meanwhile never reaches the handler: fail the sink here.
        let failed = channel.eventLoop.makePromise(of: Void.self)
        let endpoint = "\(endpoint)"
        failed.futureResult.whenFailure { _ in sink.onError(.connectionClosed(endpoint: endpoint)) }
        channel.writeAndFlush(request, promise: failed)
    }

    /// Sends one POST and collects the whole answer. Cancelling the task closes the connection.
    func unary(path: String, body: [UInt8], timeout: TimeAmount) async throws -> EtcdHTTPResponse {
        let promise = channel.eventLoop.makePromise(of: EtcdHTTPResponse.self)
        let collected = NIOLockedValueBox<(head: HTTPResponseHead?, body: ByteBuffer)>((nil, ByteBuffer()))
        let sink = EtcdResponseSink(
            onHead: { head in collected.withLockedValue { $0.head = head } },
            onBody: { part in collected.withLockedValue { _ = $0.body.writeImmutableBuffer(part) } },
            onEnd: {
                let (head, body) = collected.withLockedValue { ($0.head, $0.body) }
                guard let head else {
                    promise.fail(EtcdError.decode("HTTP response without a head"))
                    return
                }
                promise.succeed(EtcdHTTPResponse(status: head.status, body: body, keepAlive: head.isKeepAlive))
            },
            onError: { promise.fail($0) })
        let channel = self.channel
        return try await withTaskCancellationHandler {
            send(path: path, body: body, sink: sink, timeout: timeout, timeoutCoversBody: true)
            return try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}
