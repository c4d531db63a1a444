@testable import BrookSchemaRegistry
import BrookSchemas
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import XCTest

/// `GET /schemas/ids/...` answered on the event loop from `RegistryReadCache`: hits, misses,
/// pipelined order, and emptying on schema changes.
final class RegistryFastReadTests: XCTestCase {
    private func channel(_ cache: RegistryReadCache) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RegistryFastReadHandler(cache: cache, serverName: "test"))
        return channel
    }

    private func send(_ channel: EmbeddedChannel, _ method: HTTPRequest.Method, _ path: String, close: Bool = false) throws {
        var fields = HTTPFields()
        if close { fields[.connection] = "close" }
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: method, scheme: nil, authority: "x", path: path, headerFields: fields)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    private func answered(_ channel: EmbeddedChannel) throws -> String? {
        guard case .head(let head)? = try channel.readOutbound(as: HTTPResponsePart.self) else { return nil }
        XCTAssertEqual(head.status, .ok)
        XCTAssertEqual(head.headerFields[.contentType], RegistryHTTPResponse.contentType)
        guard case .body(let body)? = try channel.readOutbound(as: HTTPResponsePart.self),
              case .end? = try channel.readOutbound(as: HTTPResponsePart.self) else { return nil }
        return String(buffer: body)
    }

    func testACachedAnswerIsWrittenWithoutPassingTheRequestOn() throws {
        let cache = RegistryReadCache()
        cache.store(ByteBuffer(string: #"{"schema":"x"}"#), for: "/schemas/ids/1", computedAt: cache.generation)
        let channel = try channel(cache)
        try send(channel, .get, "/schemas/ids/1")
        XCTAssertEqual(try answered(channel), #"{"schema":"x"}"#)
        XCTAssertNil(try channel.readInbound(as: HTTPRequestPart.self), "nothing reached Hummingbird")

        // Misses, other URIs, other methods and closing requests go on.
        try send(channel, .get, "/schemas/ids/2")
        try send(channel, .get, "/schemas/ids/1", close: true)
        try send(channel, .post, "/schemas/ids/1")
        var heads = 0
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { if case .head = part { heads += 1 } }
        XCTAssertEqual(heads, 3)
    }

    func testPipelinedRequestsKeepTheirOrder() throws {
        let cache = RegistryReadCache()
        cache.store(ByteBuffer(string: "cached"), for: "/schemas/ids/1", computedAt: cache.generation)
        let channel = try channel(cache)
        try send(channel, .get, "/subjects")          // answered later by Hummingbird
        try send(channel, .get, "/schemas/ids/1")     // must not overtake it
        XCTAssertNil(try channel.readOutbound(as: HTTPResponsePart.self))
        var passed: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { if case .head(let h) = part { passed.append(h.path ?? "") } }
        XCTAssertEqual(passed, ["/subjects", "/schemas/ids/1"])
        // Once the responses went out, a cached answer is served directly again.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        try send(channel, .get, "/schemas/ids/1")
        XCTAssertEqual(try answered(channel), "cached")
    }

    func testSchemaChangesEmptyTheCacheAndStaleAnswersAreNotStored() async throws {
        let cache = RegistryReadCache()
        let service = SchemaRegistryService(log: InMemoryRegistryLog(), parse: TestSchema.parse)
        service.onSchemaChange { cache.invalidate() }
        let before = cache.generation
        cache.store(ByteBuffer(string: "old"), for: "/schemas/ids/1", computedAt: before)
        let text = JSONValue.object([("fields", .array([.string("a")]))]).compactText
        _ = try await service.write { state throws(RegistryError) in
            try state.register(subject: "s", request: RegisterRequest(schema: text), normalize: false)
        }
        XCTAssertNil(cache.body(for: "/schemas/ids/1"), "a registration empties the cache")
        cache.store(ByteBuffer(string: "computed before the change"), for: "/schemas/ids/1", computedAt: before)
        XCTAssertNil(cache.body(for: "/schemas/ids/1"))
    }
}
