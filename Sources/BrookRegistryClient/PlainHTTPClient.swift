import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client: one exchange per connection (`Connection: close`), plain `http://` only
/// (TLS comes with the security issue), the whole response read into memory up to a size cap, each
/// exchange bounded by a timeout. Shared by the Schema Registry client and Connect's HTTP
/// connectors; neither needs keep-alive or streaming.
public struct PlainHTTPClient: Sendable {
    /// One request: `path` is the request target, with its query string.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]?

        public init(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }
    }

    /// A complete response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The first header named `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return headers.first { $0.name.lowercased() == wanted }?.value
        }
    }

    /// Why an exchange has no response.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// No connection to `host:port` (refused, unresolvable, connect timeout).
        case cannotConnect(endpoint: String, reason: String)
        /// No complete response within the timeout.
        case timedOut(endpoint: String, timeout: Duration)
        /// The response body is larger than the cap.
        case responseTooLarge(limit: Int)
        /// The server closed the connection before the response was complete.
        case closedEarly(endpoint: String)

        public var description: String {
            switch self {
            case let .cannotConnect(endpoint, reason): "cannot connect to \(endpoint): \(reason)"
            case let .timedOut(endpoint, timeout): "no answer from \(endpoint) within \(timeout)"
            case let .responseTooLarge(limit): "response larger than \(limit) bytes"
            case let .closedEarly(endpoint): "\(endpoint) closed the connection before answering"
            }
        }
    }

    public let host: String
    public let port: Int
    public let timeout: Duration
    public let maxResponseBytes: Int
    let group: any EventLoopGroup

    /// `host:port` as a Host header writes it (an IPv6 address in brackets).
    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public init(host: String, port: Int, timeout: Duration, maxResponseBytes: Int = 64 << 20,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.group = group
    }

    /// Sends `request` and reads the whole response. `Host`, `Connection: close` and
    /// `Content-Length` are added; the request's own headers go as given.
    public func send(_ request: Request) async throws -> Response {
        try await withThrowingTaskGroup(of: Response.self) { tasks in
            tasks.addTask { try await exchange(request) }
            tasks.addTask {
                try await Task.sleep(for: timeout)
                throw Failure.timedOut(endpoint: endpoint, timeout: timeout)
            }
            defer { tasks.cancelAll() }
            return try await tasks.next()!
        }
    }

    private func exchange(_ request: Request) async throws -> Response {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure.cannotConnect(endpoint: endpoint, reason: "\(error)")
        }
        let limit = maxResponseBytes, endpoint = self.endpoint
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: endpoint)
            for header in request.headers { headers.add(name: header.name, value: header.value) }
            headers.add(name: "Connection", value: "close")
            if let body = request.body { headers.add(name: "Content-Length", value: String(body.count)) }
            let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.path, headers: headers)
            try await outbound.write(.head(head))
            if let body = request.body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var response = Response(status: 0)
            for try await part in inbound {
                switch part {
                case .head(let head):
                    response.status = Int(head.status.code)
                    response.headers = head.headers.map { ($0.name, $0.value) }
                case .body(let buffer):
                    guard response.body.count + buffer.readableBytes <= limit else { throw Failure.responseTooLarge(limit: limit) }
                    response.body += buffer.readableBytesView
                case .end:
                    return response
                }
            }
            throw Failure.closedEarly(endpoint: endpoint)
        }
    }
}
