import NIOCore
import NIOHTTP1

/// The Schema Registry's side of `PlainHTTPClient`: Confluent's content type on requests, and
/// transport failures as `SchemaRegistryClientError.transport`.
struct RegistryHTTPClient: Sendable {
    typealias Response = PlainHTTPClient.Response

    let http: PlainHTTPClient

    init(host: String, port: Int, timeout: Duration, group: any EventLoopGroup) {
        // A registry answer is JSON text; a listing of 100k subjects is a few MB.
        http = PlainHTTPClient(host: host, port: port, timeout: timeout, maxResponseBytes: 64 << 20, group: group)
    }

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws -> Response {
        var headers: [(name: String, value: String)] = [("Accept", "application/vnd.schemaregistry.v1+json, application/json")]
        if body != nil { headers.append(("Content-Type", "application/vnd.schemaregistry.v1+json")) }
        do {
            return try await http.send(PlainHTTPClient.Request(method: method.rawValue, path: path, headers: headers, body: body))
        } catch let failure as PlainHTTPClient.Failure {
            switch failure {
            case .cannotConnect(_, let reason):
                throw SchemaRegistryClientError.transport("cannot connect to the Schema Registry at \(http.endpoint): \(reason)")
            case .closedEarly:
                throw SchemaRegistryClientError.transport("the Schema Registry closed the connection before answering")
            default:
                throw SchemaRegistryClientError.transport(failure.description)
            }
        }
    }
}
