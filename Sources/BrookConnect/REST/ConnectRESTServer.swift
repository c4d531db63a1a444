import Hummingbird
import Logging

/// Hummingbird's side of `ConnectAPI`: collects the body, hands the request over, writes the answer.
public struct ConnectResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    /// Connector configs are small; larger bodies are refused with 413.
    public static let maximumBodySize = 4 * 1024 * 1024

    public let api: ConnectAPI

    public init(api: ConnectAPI) {
        self.api = api
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodySize)
        } catch {
            return Self.response(ConnectHTTPResponse(status: 413, body: #"{"error_code":413,"message":"Request body too large"}"#))
        }
        return Self.response(await api.respond(to: ConnectHTTPRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, body: Array(buffer: body))))
    }

    private static func response(_ answer: ConnectHTTPResponse) -> Response {
        guard !answer.body.isEmpty else { return Response(status: .init(code: answer.status)) }
        return Response(status: .init(code: answer.status), headers: [.contentType: ConnectHTTPResponse.contentType],
                        body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}

/// Builds the Connect REST server (Kafka Connect's default port is 8083).
public enum ConnectRESTServer {
    public static func makeApplication(host: String, port: Int, herder: any ConnectHerder,
                                       logger: Logger) -> Application<ConnectResponder> {
        Application(responder: ConnectResponder(api: ConnectAPI(herder: herder)),
                    configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "brook-connect"),
                    logger: logger)
    }
}
