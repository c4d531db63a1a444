@testable import BrookClient
import BrookProtocol
import NIOCore
import NIOPosix

/// A scripted Kafka broker on a loopback port: it answers ApiVersions from a table and every other
/// request with what the test registered for that API, and records each request it decoded. Used to
/// test client paths the real broker does not serve yet (groups, idempotence, admin APIs) against
/// constructed responses.
final class FakeBroker: Sendable {
    /// A request as received.
    struct Received: Sendable {
        var apiKey: ApiKey
        var version: Int16
        var message: any KafkaMessage
    }

    typealias Handler = @Sendable (_ header: RequestHeader, _ body: inout ByteBuffer) throws -> ByteBuffer?

    let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let handlers: Locked<[Int16: Handler]>
    private let received = Locked<[Received]>([])
    let port: Int
    let nodeId: Int32 = 1

    var address: BrokerAddress { BrokerAddress(host: "127.0.0.1", port: port) }

    /// Starts a broker advertising `versions` (plus ApiVersions 0...3).
    init(versions: [ApiKey: ClosedRange<Int16>]) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let handlers = Locked<[Int16: Handler]>([:])
        self.handlers = handlers
        var table = versions
        table[.apiVersions] = 0...3
        let advertised = table
        let received = self.received
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        FakeBrokerConnection(versions: advertised, handlers: handlers, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress!.port!
    }

    /// Registers the answer to `Request`: a closure from the decoded request and its version to a response.
    func on<Request: KafkaRequest>(_ type: Request.Type,
                                   _ respond: @escaping @Sendable (Request, Int16) throws -> Request.Response) {
        let received = self.received
        handlers.withLock {
            $0[Request.apiKey.rawValue] = { header, body in
                let request = try Request(from: &body, version: header.apiVersion)
                received.withLock { $0.append(Received(apiKey: Request.apiKey, version: header.apiVersion, message: request)) }
                let response = try respond(request, header.apiVersion)
                var out = ByteBuffer()
                response.encode(into: &out, version: header.apiVersion)
                return out
            }
        }
    }

    /// The requests of type `Request` received so far, with their versions.
    func requests<Request: KafkaRequest>(_ type: Request.Type) -> [(Request, Int16)] {
        received.withLock { list in
            list.compactMap { entry in (entry.message as? Request).map { ($0, entry.version) } }
        }
    }

    /// Metadata naming this broker as node 1 and leader of every partition of `topics`.
    func metadata(_ topics: [String: Int]) -> MetadataResponse {
        MetadataResponse(
            brokers: [.init(nodeId: nodeId, host: "127.0.0.1", port: Int32(port), rack: nil)],
            clusterId: "fake", controllerId: nodeId,
            topics: topics.sorted { $0.key < $1.key }.map { name, count in
                .init(errorCode: 0, name: name, topicId: .zero, isInternal: false, partitions: (0..<Int32(count)).map {
                    .init(errorCode: 0, partitionIndex: $0, leaderId: nodeId, leaderEpoch: 0, replicaNodes: [nodeId], isrNodes: [nodeId], offlineReplicas: [])
                })
            })
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// One accepted connection of the fake broker.
private final class FakeBrokerConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let versions: [ApiKey: ClosedRange<Int16>]
    private let handlers: Locked<[Int16: FakeBroker.Handler]>
    private let received: Locked<[FakeBroker.Received]>
    private var inbox = ByteBuffer()

    init(versions: [ApiKey: ClosedRange<Int16>], handlers: Locked<[Int16: FakeBroker.Handler]>,
         received: Locked<[FakeBroker.Received]>) {
        self.versions = versions
        self.handlers = handlers
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        inbox.writeBuffer(&incoming)
        do {
            while var frame = try KafkaFrame.read(from: &inbox, maxSize: 1 << 26) {
                guard let peek = RequestHeader.peek(frame), let api = ApiKey(rawValue: peek.apiKey) else {
                    context.close(promise: nil)
                    return
                }
                let headerVersion = Self.isFlexible(api, peek.apiVersion) ? 2 : 1
                let header = try RequestHeader(from: &frame, headerVersion: headerVersion)
                guard let body = try respond(api: api, header: header, body: &frame) else { continue }
                var out = context.channel.allocator.buffer(capacity: body.readableBytes + 16)
                KafkaFrame.write(into: &out) { buffer in
                    let responseHeaderVersion = api == .apiVersions ? 0 : (Self.isFlexible(api, header.apiVersion) ? 1 : 0)
                    ResponseHeader(correlationId: header.correlationId).encode(into: &buffer, headerVersion: responseHeaderVersion)
                    var copy = body
                    buffer.writeBuffer(&copy)
                }
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    private static func isFlexible(_ api: ApiKey, _ version: Int16) -> Bool {
        api.isFlexible(apiVersion: version)
    }

    private func respond(api: ApiKey, header: RequestHeader, body: inout ByteBuffer) throws -> ByteBuffer? {
        if api == .apiVersions {
            let response = ApiVersionsResponse(apiKeys: versions.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                .init(apiKey: $0.key.rawValue, minVersion: $0.value.lowerBound, maxVersion: $0.value.upperBound)
            })
            var out = ByteBuffer()
            let version = min(header.apiVersion, 3)
            if version != header.apiVersion {
                var unsupported = response
                unsupported.errorCode = ErrorCode.unsupportedVersion.rawValue
                unsupported.encode(into: &out, version: 0)
            } else {
                response.encode(into: &out, version: version)
            }
            return out
        }
        guard let handler = handlers.withLock({ $0[api.rawValue] }) else {
            throw KafkaClientError.protocolViolation("fake broker has no handler for \(api)")
        }
        return try handler(header, &body)
    }
}
