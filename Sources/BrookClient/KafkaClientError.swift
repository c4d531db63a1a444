import BrookProtocol

/// Everything BrookClient can fail with. Kafka error codes from responses arrive as `.server`;
/// transport problems have their own cases so callers can tell "the broker said no" from
/// "we could not ask".
public enum KafkaClientError: Error, Sendable, CustomStringConvertible {
    /// A TCP connection to `broker` could not be opened.
    case connectionFailed(broker: String, reason: String)
    /// The connection to `broker` closed while a request was outstanding.
    case connectionClosed(broker: String)
    /// No response to `api` within the request timeout.
    case requestTimedOut(api: ApiKey, broker: String)
    /// None of the bootstrap or known brokers could be reached.
    case noBrokersAvailable(tried: [String], lastError: String?)
    /// The broker does not implement `api` in any version this client speaks.
    case unsupportedApi(ApiKey, broker: String)
    /// The broker answered with a Kafka error code.
    case server(ErrorCode, message: String?, context: String)
    /// The broker sent bytes this client cannot make sense of.
    case protocolViolation(String)
    /// A configuration value is missing or malformed.
    case invalidConfiguration(String)
    /// An argument to a client call is invalid.
    case invalidArgument(String)
    /// The operation did not complete within its time budget.
    case timedOut(String)
    /// The client (producer, consumer, admin) has been closed.
    case closed

    /// Whether retrying the same operation later may succeed.
    public var isRetriable: Bool {
        switch self {
        case .connectionFailed, .connectionClosed, .requestTimedOut, .noBrokersAvailable:
            return true
        case .server(let code, _, _):
            return code.isRetriable
        case .unsupportedApi, .protocolViolation, .invalidConfiguration, .invalidArgument, .timedOut, .closed:
            return false
        }
    }

    /// The Kafka error code, when the broker sent one.
    public var errorCode: ErrorCode? {
        if case .server(let code, _, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .connectionFailed(let broker, let reason):
            return "cannot connect to \(broker): \(reason)"
        case .connectionClosed(let broker):
            return "connection to \(broker) closed"
        case .requestTimedOut(let api, let broker):
            return "\(api.kafkaName) request to \(broker) timed out"
        case .noBrokersAvailable(let tried, let lastError):
            let list = tried.joined(separator: ", ")
            return "no broker reachable at \(list)" + (lastError.map { " (\($0))" } ?? "")
        case .unsupportedApi(let api, let broker):
            return "broker \(broker) does not support \(api.kafkaName)"
        case .server(let code, let message, let context):
            let detail = message.flatMap { $0.isEmpty ? nil : $0 }.map { " (\($0))" } ?? ""
            return "\(context): \(code.kafkaName)\(detail)"
        case .protocolViolation(let what):
            return "protocol violation: \(what)"
        case .invalidConfiguration(let what):
            return "invalid configuration: \(what)"
        case .invalidArgument(let what):
            return what
        case .timedOut(let what):
            return "timed out: \(what)"
        case .closed:
            return "client is closed"
        }
    }

    /// Throws `.server` when `rawCode` is not `none`.
    static func check(_ rawCode: Int16, message: String? = nil, context: @autoclosure () -> String) throws {
        guard rawCode != 0 else { return }
        throw KafkaClientError.server(ErrorCode(rawValue: rawCode) ?? .unknownServerError, message: message, context: context())
    }
}
