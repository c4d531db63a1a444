import Hummingbird

/// Hummingbird's side of `RegistryAPI`: collects the body, hands the request over, and writes the
/// answer with Confluent's content type.
public struct SchemaRegistryResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    /// Confluent caps request bodies too; schemas larger than this are refused with 413.
    public static let maximumBodySize = 16 * 1024 * 1024

    public let api: RegistryAPI
    /// Filled with `GET /schemas/ids/...` answers for `RegistryFastReadHandler`.
    let readCache: RegistryReadCache?

    public init(api: RegistryAPI) {
        self.init(api: api, readCache: nil)
    }

    init(api: RegistryAPI, readCache: RegistryReadCache?) {
        self.api = api
        self.readCache = readCache
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodySize)
        } catch {
            return Self.response(RegistryHTTPResponse(status: 413, body: #"{"error_code":413,"message":"Request body too large"}"#))
        }
        let cacheable = readCache != nil && request.method == .get && RegistryReadCache.caches(uri: request.uri.description[...])
        let generation = cacheable ? readCache?.generation : nil
        let answer = await api.respond(to: RegistryHTTPRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            contentType: request.headers[.contentType], body: Array(buffer: body)))
        let response = Self.response(answer)
        if let generation, answer.status == 200 {
            readCache?.store(ByteBuffer(string: answer.body), for: request.uri.description, computedAt: generation)
        }
        return response
    }

    private static func response(_ answer: RegistryHTTPResponse) -> Response {
        Response(status: .init(code: answer.status), headers: [.contentType: RegistryHTTPResponse.contentType],
                 body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
