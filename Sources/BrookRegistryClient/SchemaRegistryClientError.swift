/// Why a Schema Registry call failed: the registry's own answer (Confluent's `error_code` and
/// message, e.g. 40401 "Subject 'x' not found.") or a transport problem.
public enum SchemaRegistryClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case server(status: Int, errorCode: Int, message: String)
    case transport(String)
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .server(let status, let code, let message): "Schema Registry error \(code) (HTTP \(status)): \(message)"
        case .transport(let reason): reason
        case .invalidResponse(let reason): "unexpected Schema Registry response: \(reason)"
        }
    }
}
