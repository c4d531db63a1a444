import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 exchange per connection with a Schema Registry (`Connection: close`): small, rare
/// admin calls, so no pool. Plain HTTP only (TLS comes with the security issue).
struct RegistryHTTPClient: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
    }

    let host: String
    let port: Int
    let timeout: Duration
    let group: any EventLoopGroup

    /// The largest response accepted (a registry answer is JSON text; a listing of 100k subjects is
    /// a few MB).
    static let maxResponseBytes = 64 << 20

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws -> Response {
        try await withThrowingTaskGroup(of: Response.self) { tasks in
            tasks.addTask { try await exchange(method, path, body: body) }
            tasks.addTask {
                try await Task.sleep(for: timeout)
                throw SchemaRegistryClientError.transport("no answer from \(host):\(port) within \(timeout)")
            }
            defer { tasks.cancelAll() }
            return try await tasks.next()!
        }
    }

    private func exchange(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws -> Response {
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
            throw SchemaRegistryClientError.transport("cannot connect to the Schema Registry at \(host):\(port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "\(host):\(port)")
            headers.add(name: "Accept", value: "application/vnd.schemaregistry.v1+json, application/json")
            headers.add(name: "Connection", value: "close")
            if let body {
                headers.add(name: "Content-Type", value: "application/vnd.schemaregistry.v1+json")
                headers.add(name: "Content-Length", value: String(body.count))
            }
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status = 0
            var received: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head):
                    status = Int(head.status.code)
                case .body(let buffer):
                    guard received.count + buffer.readableBytes <= Self.maxResponseBytes else {
                        throw SchemaRegistryClientError.transport("response larger than \(Self.maxResponseBytes) bytes")
                    }
                    received += buffer.readableBytesView
                case .end:
                    return Response(status: status, body: received)
                }
            }
            throw SchemaRegistryClientError.transport("the Schema Registry closed the connection before answering")
        }
    }
}
