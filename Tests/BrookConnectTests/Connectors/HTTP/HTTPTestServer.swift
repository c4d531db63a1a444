import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import XCTest

/// A real local HTTP server for the HTTP connectors' tests (Hummingbird on a free loopback port):
/// records every request and answers with what `answer` returns for it (its index counts from 0).
/// The server stops when `body` returns or throws.
struct HTTPTestServer {
    struct Seen: Sendable {
        var method: String
        /// Path and query.
        var uri: String
        /// By lower-case name.
        var headers: [String: String]
        var body: String
    }

    typealias Answer = @Sendable (_ request: Seen, _ index: Int) -> (status: Int, body: String)

    /// Everything the server received, in order.
    final class Log: Sendable {
        private let requests = NIOLockedValueBox<[Seen]>([])
        var all: [Seen] { requests.withLockedValue { $0 } }

        func append(_ request: Seen) -> Int {
            requests.withLockedValue {
                $0.append(request)
                return $0.count - 1
            }
        }
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let log: Log
        let answer: Answer

        func respond(to request: Request, context: Context) async throws -> Response {
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            /// By lower-case name.
        var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let seen = Seen(method: request.method.rawValue, uri: request.uri.description, headers: headers, body: String(buffer: body))
            let index = log.append(seen)
            let (status, text) = answer(seen, index)
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Runs `body` with the server's port and its request log.
    static func run(answer: @escaping Answer, _ body: @escaping @Sendable (Int, Log) async throws -> Void) async throws {
        let log = Log()
        let app = Application(responder: Responder(log: log, answer: answer),
                              configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                              logger: Logger(label: "http-test-server"))
        try await app.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            try await body(port, log)
        }
    }
}
