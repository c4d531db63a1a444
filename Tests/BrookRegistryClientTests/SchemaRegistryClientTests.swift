import BrookRegistryClient
import BrookSchemas
import NIOCore
import NIOHTTP1
import NIOPosix
import Foundation
import XCTest

/// The client against a canned HTTP server: request shape (method, path, content type, body) and
/// how answers and Confluent error bodies come back.
final class SchemaRegistryClientTests: XCTestCase {
    /// Answers every request with `status` and `body`, remembering what it was asked.
    private final class CannedServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let status: HTTPResponseStatus
        let body: String
        let seen: NIOLockedValueBoxBridge
        private var head: HTTPRequestHead?
        private var received = ""

        init(status: HTTPResponseStatus, body: String, seen: NIOLockedValueBoxBridge) {
            self.status = status
            self.body = body
            self.seen = seen
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body(let buffer): received += String(buffer: buffer)
            case .end:
                if let head { seen.append((head.method.rawValue, head.uri, head.headers["Content-Type"].first ?? "", received)) }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/vnd.schemaregistry.v1+json")
                headers.add(name: "Content-Length", value: String(body.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    final class NIOLockedValueBoxBridge: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [(String, String, String, String)] = []
        func append(_ item: (String, String, String, String)) { lock.withLock { items.append(item) } }
        var all: [(String, String, String, String)] { lock.withLock { items } }
    }

    private func withServer(status: HTTPResponseStatus, body: String,
                            _ run: (SchemaRegistryClient, NIOLockedValueBoxBridge) async throws -> Void) async throws {
        let seen = NIOLockedValueBoxBridge()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(CannedServer(status: status, body: body, seen: seen))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let client = try SchemaRegistryClient(url: "http://127.0.0.1:\(server.localAddress!.port!)", timeout: .seconds(10))
            try await run(client, seen)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    func testRegisterPostsConfluentsBodyAndReadsTheId() async throws {
        try await withServer(status: .ok, body: #"{"id":42}"#) { client, seen in
            let id = try await client.register(subject: "orders value", schema: #"{"type":"string"}"#, type: .protobuf,
                                               references: [SchemaReference(name: "a.proto", subject: "a", version: 2)])
            XCTAssertEqual(id, 42)
            let request = try XCTUnwrap(seen.all.first)
            XCTAssertEqual(request.0, "POST")
            XCTAssertEqual(request.1, "/subjects/orders%20value/versions?normalize=false")
            XCTAssertEqual(request.2, "application/vnd.schemaregistry.v1+json")
            XCTAssertEqual(try JSONParser.parse(request.3), try JSONParser.parse(
                #"{"schema":"{\"type\":\"string\"}","schemaType":"PROTOBUF","references":[{"name":"a.proto","subject":"a","version":2}]}"#))
        }
    }

    func testConfluentErrorBodiesBecomeServerErrors() async throws {
        try await withServer(status: .notFound, body: #"{"error_code":40403,"message":"Schema 7 not found"}"#) { client, _ in
            do {
                _ = try await client.schema(id: 7)
                XCTFail("no error")
            } catch let error as SchemaRegistryClientError {
                XCTAssertEqual(error, .server(status: 404, errorCode: 40403, message: "Schema 7 not found"))
            }
        }
    }

    func testAnUnreachableRegistryIsATransportError() async throws {
        let client = try SchemaRegistryClient(url: "http://127.0.0.1:1", timeout: .seconds(5))
        do {
            _ = try await client.request(.GET, "/subjects")
            XCTFail("no error")
        } catch SchemaRegistryClientError.transport(let reason) {
            XCTAssertTrue(reason.contains("cannot connect"), reason)
        }
    }

    func testURLsAreCheckedUpFront() {
        XCTAssertNoThrow(try SchemaRegistryClient(url: "http://localhost"))
        XCTAssertNoThrow(try SchemaRegistryClient(url: "localhost:8081/"))
        XCTAssertThrowsError(try SchemaRegistryClient(url: "https://localhost:8081"))
        XCTAssertThrowsError(try SchemaRegistryClient(url: "http://localhost:99999"))
        XCTAssertThrowsError(try SchemaRegistryClient(url: "http://:8081"))
    }

    func testTheWireFormatFramesIdsBigEndianAndRefusesOtherMagicBytes() {
        let framed = SchemaWireFormat.frame(schemaId: 0x0102_0304, payload: [9, 8])
        XCTAssertEqual(framed, [0, 1, 2, 3, 4, 9, 8])
        XCTAssertEqual(SchemaWireFormat.parse(framed)?.schemaId, 0x0102_0304)
        XCTAssertEqual(SchemaWireFormat.parse(framed).map { Array($0.payload) }, [9, 8])
        XCTAssertEqual(SchemaWireFormat.parse(SchemaWireFormat.frame(schemaId: -1, payload: []))?.schemaId, -1)
        XCTAssertNil(SchemaWireFormat.parse([1, 0, 0, 0, 1]))
        XCTAssertNil(SchemaWireFormat.parse([0, 0, 0, 1]))
    }
}
