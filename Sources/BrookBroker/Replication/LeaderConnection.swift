import BrookProtocol
import NIOCore
import NIOPosix

/// Why a request to the leader got no answer.
enum LeaderConnectionError: Error, Sendable, Equatable {
    case closed
    case timedOut
    case unexpectedCorrelation(expected: Int32, got: Int32)
}

/// A follower's Kafka connection to one leader broker: requests framed with BrookProtocol's codecs,
/// answered in order. A small client of its own rather than BrookClient's `BrokerConnection`, so
/// the broker does not depend on the client library; the fetcher sends one request at a time.
final class LeaderConnection: Sendable {
    let channel: Channel
    private let clientId: String

    private init(channel: Channel, clientId: String) {
        self.channel = channel
        self.clientId = clientId
    }

    var isActive: Bool { channel.isActive }
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    static func connect(host: String, port: Int, on loop: EventLoop, clientId: String, timeout: TimeAmount,
                        maxResponseSize: Int) -> EventLoopFuture<LeaderConnection> {
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LeaderResponseHandler(maxFrameSize: maxResponseSize))
                }
            }
            .connect(host: host, port: port)
            .map { LeaderConnection(channel: $0, clientId: clientId) }
    }

    /// Sends `request` at `version` and decodes the answer as `Response`. A request unanswered
    /// after `timeout` closes the connection (what Kafka's replica socket timeout does).
    func send<Request: KafkaMessage, Response: KafkaMessage>(_ request: Request, version: Int16, as: Response.Type,
                                                             timeout: TimeAmount) -> EventLoopFuture<Response> {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: ByteBuffer.self)
        let channel = self.channel
        let clientId = self.clientId
        loop.execute {
            let correlationId = LeaderResponseHandler.nextCorrelationId(channel)
            let header = RequestHeader(apiKey: Request.apiKey.rawValue, apiVersion: version,
                                       correlationId: correlationId, clientId: clientId)
            var frame = channel.allocator.buffer(capacity: 256)
            KafkaFrame.write(into: &frame) { body in
                header.encode(into: &body, headerVersion: Request.apiKey.requestHeaderVersion(apiVersion: version))
                request.encode(into: &body, version: version)
            }
            let pending = PendingLeaderRequest(frame: frame, correlationId: correlationId,
                                               responseHeaderVersion: Request.apiKey.responseHeaderVersion(apiVersion: version),
                                               promise: promise)
            channel.writeAndFlush(pending).whenFailure { promise.fail($0) }
            let timer = loop.scheduleTask(in: timeout) {
                promise.fail(LeaderConnectionError.timedOut)
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        return promise.futureResult.flatMapThrowing { body in
            var body = body
            return try Response(from: &body, version: version)
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// A framed request on its way out, with the promise its answer completes.
struct PendingLeaderRequest: Sendable {
    var frame: ByteBuffer
    var correlationId: Int32
    var responseHeaderVersion: Int
    var promise: EventLoopPromise<ByteBuffer>
}

/// Frames answers and hands each to the oldest request waiting (Kafka answers in request order).
final class LeaderResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PendingLeaderRequest
    typealias OutboundOut = ByteBuffer

    private let maxFrameSize: Int
    private var inbox = ByteBuffer()
    private var waiting: [PendingLeaderRequest] = []
    private var correlation: Int32 = 0

    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    /// The next correlation id on `channel`, read on its loop.
    static func nextCorrelationId(_ channel: Channel) -> Int32 {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: LeaderResponseHandler.self) else { return 0 }
        handler.correlation &+= 1
        return handler.correlation
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(request)
        context.write(wrapOutboundOut(request.frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbox.writeBuffer(&bytes)
        do {
            while var frame = try KafkaFrame.read(from: &inbox, maxSize: maxFrameSize) {
                guard let request = waiting.first else { throw LeaderConnectionError.closed }
                let header = try ResponseHeader(from: &frame, headerVersion: request.responseHeaderVersion)
                guard header.correlationId == request.correlationId else {
                    throw LeaderConnectionError.unexpectedCorrelation(expected: request.correlationId,
                                                                      got: header.correlationId)
                }
                waiting.removeFirst()
                request.promise.succeed(frame)
            }
        } catch {
            failAll(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(LeaderConnectionError.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: Error) {
        let failed = waiting
        waiting = []
        for request in failed { request.promise.fail(error) }
    }
}
