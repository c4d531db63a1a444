import BrookProtocol
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to one broker. Requests are pipelined: many may be in flight, each waiting
/// for its own response. The ApiVersions handshake runs before the connection is handed out, so
/// `apiVersions` always holds what this broker advertised.
public final class BrokerConnection: Sendable {
    /// The address dialled.
    public let address: BrokerAddress
    /// The broker's node id, or nil for a bootstrap connection made before metadata was known.
    public let nodeId: Int32?
    /// What the broker advertised and the versions chosen from it.
    public let apiVersions: ApiVersionTable
    let channel: Channel
    private let clientId: String
    private let requestTimeout: TimeAmount
    private let logger: Logger

    private init(address: BrokerAddress, nodeId: Int32?, apiVersions: ApiVersionTable, channel: Channel,
                 clientId: String, requestTimeout: TimeAmount, logger: Logger) {
        self.address = address
        self.nodeId = nodeId
        self.apiVersions = apiVersions
        self.channel = channel
        self.clientId = clientId
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// Whether the underlying channel is still open.
    public var isActive: Bool { channel.isActive }

    /// Opens a connection and negotiates API versions.
    static func connect(to address: BrokerAddress, nodeId: Int32?, config: ClientConfig,
                        group: EventLoopGroup) async throws -> BrokerConnection {
        var logger = config.logger
        logger[metadataKey: LogKeys.broker] = "\(address)"
        logger[metadataKey: LogKeys.clientId] = "\(config.clientId)"
        let name = "\(address)"
        let maxFrame = config.maxResponseSize
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(config.connectTimeout.timeAmount)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        KafkaClientChannelHandler(broker: name, maxFrameSize: maxFrame))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            throw KafkaClientError.connectionFailed(broker: name, reason: Self.describe(error))
        }
        do {
            let versions = try await negotiate(channel: channel, address: address, config: config)
            logger.debug("connected", metadata: ["brook.node": "\(nodeId.map(String.init) ?? "bootstrap")"])
            return BrokerConnection(
                address: address, nodeId: nodeId, apiVersions: versions, channel: channel,
                clientId: config.clientId, requestTimeout: config.requestTimeout.timeAmount, logger: logger)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// ApiVersions: ask with our newest version; a broker that does not know it answers
    /// UNSUPPORTED_VERSION in the v0 layout with its own range, and we ask again with that (KIP-511).
    private static func negotiate(channel: Channel, address: BrokerAddress, config: ClientConfig) async throws -> ApiVersionTable {
        let ours = ClientApiVersions.supported[.apiVersions]!
        var version = ours.upperBound
        for _ in 0..<3 {
            let request = ApiVersionsRequest(clientSoftwareName: "brook-swift", clientSoftwareVersion: BrookClientVersion.string)
            var body = try await exchange(
                channel: channel, request: request, version: version, clientId: config.clientId,
                timeout: config.requestTimeout.timeAmount, expectResponse: true)!
            let errorCode = body.getInteger(at: body.readerIndex, as: Int16.self) ?? -1
            if errorCode == ErrorCode.unsupportedVersion.rawValue {
                let fallback = try ApiVersionsResponse(from: &body, version: 0)
                let theirs = fallback.apiKeys.first { $0.apiKey == ApiKey.apiVersions.rawValue }
                guard let theirs, theirs.maxVersion < version else {
                    throw KafkaClientError.unsupportedApi(.apiVersions, broker: "\(address)")
                }
                version = min(theirs.maxVersion, ours.upperBound)
                continue
            }
            let response: ApiVersionsResponse
            do {
                response = try ApiVersionsResponse(from: &body, version: version)
            } catch {
                throw KafkaClientError.protocolViolation("undecodable ApiVersions v\(version) response from \(address): \(error)")
            }
            try KafkaClientError.check(response.errorCode, context: "ApiVersions from \(address)")
            return ApiVersionTable(response)
        }
        throw KafkaClientError.unsupportedApi(.apiVersions, broker: "\(address)")
    }

    /// The version this connection uses for `api`; throws `unsupportedApi` when there is none.
    public func version(for api: ApiKey) throws -> Int16 {
        guard let version = apiVersions.version(for: api) else {
            throw KafkaClientError.unsupportedApi(api, broker: "\(address)")
        }
        return version
    }

    /// Sends `request` at `version` (default: the negotiated one) and waits for its response.
    /// Cancelling the task abandons the wait; the response, when it arrives, is dropped.
    public func send<Request: KafkaRequest>(_ request: Request, version: Int16? = nil,
                                            extraTimeout: Duration = .zero) async throws -> Request.Response {
        let version = try version ?? self.version(for: Request.apiKey)
        let timeout = requestTimeout + extraTimeout.timeAmount
        var body = try await Self.exchange(
            channel: channel, request: request, version: version, clientId: clientId, timeout: timeout,
            expectResponse: true)!
        do {
            return try Request.Response(from: &body, version: version)
        } catch {
            throw KafkaClientError.protocolViolation("undecodable \(Request.apiKey) v\(version) response from \(address): \(error)")
        }
    }

    /// Sends a request that gets no response (Produce with acks=0); returns once it is written.
    public func sendWithoutResponse<Request: KafkaRequest>(_ request: Request, version: Int16? = nil) async throws {
        let version = try version ?? self.version(for: Request.apiKey)
        _ = try await Self.exchange(
            channel: channel, request: request, version: version, clientId: clientId, timeout: requestTimeout,
            expectResponse: false)
    }

    /// Writes `request` now and returns a handle to await its response later. Requests started one
    /// after another from one task reach the broker in that order (what pipelined idempotent
    /// produce requests need); `send` gives no such guarantee across tasks.
    public func start<Request: KafkaRequest>(_ request: Request, version: Int16? = nil, expectResponse: Bool = true,
                                             extraTimeout: Duration = .zero) throws -> PendingResponse<Request.Response> {
        let version = try version ?? self.version(for: Request.apiKey)
        let (written, response) = Self.write(
            channel: channel, request: request, version: version, clientId: clientId,
            timeout: requestTimeout + extraTimeout.timeAmount, expectResponse: expectResponse)
        return PendingResponse(written: written, response: response, version: version, address: address)
    }

    /// `start` for Produce, with each record batch written as its own buffer instead of being
    /// copied into the frame.
    func startProduce(_ request: ProduceRequest, expectResponse: Bool) throws -> PendingResponse<ProduceResponse> {
        let version = try self.version(for: .produce)
        var parts = ProduceRequestFrame.parts(request, version: version, clientId: clientId, allocator: channel.allocator)
        let eventLoop = channel.eventLoop
        let writePromise = eventLoop.makePromise(of: Void.self)
        let responsePromise = expectResponse ? eventLoop.makePromise(of: ByteBuffer.self) : nil
        let first = parts.removeFirst()
        let outbound = OutboundKafkaRequest(
            frame: first, continuation: parts, api: .produce, responseHeaderVersion: ProduceRequest.isFlexible(version: version) ? 1 : 0,
            responsePromise: responsePromise, timeout: requestTimeout)
        channel.writeAndFlush(outbound, promise: writePromise)
        return PendingResponse(written: writePromise, response: responsePromise, version: version, address: address)
    }

    /// Closes the connection; outstanding requests fail with `connectionClosed`.
    public func close() {
        channel.close(promise: nil)
    }

    private static func exchange<Request: KafkaMessage>(
        channel: Channel, request: Request, version: Int16, clientId: String, timeout: TimeAmount,
        expectResponse: Bool
    ) async throws -> ByteBuffer? {
        let (written, response) = write(
            channel: channel, request: request, version: version, clientId: clientId, timeout: timeout,
            expectResponse: expectResponse)
        return try await PendingResponse<Request>.wait(written: written, response: response)
    }

    /// Hands the framed request to the channel (in call order) with promises for the write and the response.
    private static func write<Request: KafkaMessage>(
        channel: Channel, request: Request, version: Int16, clientId: String, timeout: TimeAmount,
        expectResponse: Bool
    ) -> (written: EventLoopPromise<Void>, response: EventLoopPromise<ByteBuffer>?) {
        let frame = encodeFrame(request, version: version, clientId: clientId, allocator: channel.allocator)
        let responseHeaderVersion = Request.apiKey == .apiVersions ? 0 : (Request.isFlexible(version: version) ? 1 : 0)
        let eventLoop = channel.eventLoop
        let writePromise = eventLoop.makePromise(of: Void.self)
        let responsePromise = expectResponse ? eventLoop.makePromise(of: ByteBuffer.self) : nil
        let outbound = OutboundKafkaRequest(
            frame: frame, api: Request.apiKey, responseHeaderVersion: responseHeaderVersion,
            responsePromise: responsePromise, timeout: timeout)
        channel.writeAndFlush(outbound, promise: writePromise)
        return (writePromise, responsePromise)
    }

    /// Frames `request` with a v1/v2 header; the correlation id is left 0 for the channel handler.
    static func encodeFrame<Request: KafkaMessage>(_ request: Request, version: Int16, clientId: String,
                                                   allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        let header = RequestHeader(apiKey: Request.apiKey.rawValue, apiVersion: version, correlationId: 0, clientId: clientId)
        let headerVersion = Request.isFlexible(version: version) ? 2 : 1
        KafkaFrame.write(into: &buffer) { body in
            header.encode(into: &body, headerVersion: headerVersion)
            request.encode(into: &body, version: version)
        }
        return buffer
    }

    /// A short reason for a failed connect: the system's message for the errno when there is one.
    static func describe(_ error: Error) -> String {
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first { return describe(first.error) }
            if let dnsError = connectionError.dnsAAAAError ?? connectionError.dnsAError { return "cannot resolve host (\(dnsError))" }
            return "no address to connect to"
        }
        if let ioError = error as? IOError { return String(cString: strerror(ioError.errnoCode)) }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return "connection timed out" }
        return String(describing: error)
    }
}

/// A request already written to a connection, whose response is still to come.
public struct PendingResponse<Response: KafkaMessage>: Sendable {
    let written: EventLoopPromise<Void>
    let response: EventLoopPromise<ByteBuffer>?
    let version: Int16
    let address: BrokerAddress

    /// The decoded response (nil for requests sent without one, once written). Cancelling the
    /// waiting task abandons the wait.
    public func value() async throws -> Response? {
        guard var body = try await Self.wait(written: written, response: response) else { return nil }
        do {
            return try Response(from: &body, version: version)
        } catch {
            throw KafkaClientError.protocolViolation("undecodable \(Response.apiKey) v\(version) response from \(address): \(error)")
        }
    }

    static func wait(written: EventLoopPromise<Void>, response: EventLoopPromise<ByteBuffer>?) async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            guard let response else {
                try await written.futureResult.get()
                return nil
            }
            return try await response.futureResult.get()
        } onCancel: {
            response?.fail(CancellationError())
            written.fail(CancellationError())
        }
    }
}

/// The library version reported to brokers in ApiVersions (KIP-511).
public enum BrookClientVersion {
    public static let string = "0.1.0"
}

/// swift-log metadata keys used by BrookClient, in one place.
public enum LogKeys {
    public static let clientId = "brook.client.id"
    public static let broker = "brook.broker"
    public static let topic = "brook.topic"
    public static let partition = "brook.partition"
    public static let group = "brook.group"
}
